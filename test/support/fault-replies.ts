import { type ServerResponse } from 'node:http';
import { type DropSessionFault, type StatusFault } from './fault-proxy.types.js';

/** Answers an injected status, with Retry-After and body when given. Returns the status sent. */
export function replyStatus(res: ServerResponse, fault: StatusFault): number {
  const json = fault.body !== undefined && typeof fault.body !== 'string';
  const body = json
    ? JSON.stringify(fault.body)
    : String(fault.body ?? `Injected fault: ${fault.code}`);
  res.writeHead(fault.code, {
    'content-type': json ? 'application/json' : 'text/plain',
    ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}),
  });
  res.end(body);
  return fault.code;
}

/** Answers like a server that lost the session: 404 (the spec's answer) or 400. */
export function replyDropSession(res: ServerResponse, fault: DropSessionFault): number {
  const status = fault.status ?? 404;
  const error =
    status === 404
      ? { code: -32001, message: 'Session not found' }
      : { code: -32000, message: 'Bad Request: No valid session ID provided' };
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error, id: null }));
  return status;
}

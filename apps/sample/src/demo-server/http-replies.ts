import { type ServerResponse } from 'node:http';

/** Answers with a JSON-RPC error body (id null), as the SDK's transport does. */
export function replyJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/** The answer of the `flaky` gate: a plain 503 before the MCP transport sees the request. */
export function replyServiceUnavailable(res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'text/plain' });
  res.end('Service Unavailable (demo flaky gate)');
}

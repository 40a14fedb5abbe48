import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { readRequestText } from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { serveOnLoopback } from './loopback-server.js';

/** A JSON-RPC message as a raw 2026-07-28 server receives it (loosely typed on purpose). */
export interface RawModernMessage {
  jsonrpc?: string;
  id?: number | string;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: unknown;
}

/** One POST the server received. */
export interface RawModernRequest {
  headers: IncomingHttpHeaders;
  message: RawModernMessage;
}

/**
 * What a route answers: a result (sent as JSON), a function that writes the answer itself (an
 * SSE stream, say), or undefined for a -32601 error.
 */
export type RawModernReply =
  | Record<string, unknown>
  | ((res: ServerResponse, message: RawModernMessage) => void | Promise<void>)
  | undefined;

export interface RawModernServerHandle {
  url: string;
  /** Every POST, in order (`message.method` undefined for a JSON-RPC response). */
  requests: RawModernRequest[];
  /** The requests of one method. */
  requestsOf(method: string): RawModernRequest[];
  close(): Promise<void>;
}

/** The answer to `server/discover` unless a route gives its own. */
export const RAW_MODERN_DISCOVER = {
  resultType: 'complete',
  supportedVersions: ['2026-07-28'],
  capabilities: { tools: {} },
  _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'raw-modern', version: '1.0.0' } },
};

/** One SSE event carrying a JSON-RPC message. */
export const sseEvent = (message: unknown): string =>
  `event: message\ndata: ${JSON.stringify(message)}\n\n`;

/**
 * A 2026-07-28 server on node:http alone, for answers the SDK server will not give (an unknown
 * `resultType`, `input_required` to `tools/list`, an empty cursor, a request on a response
 * stream...). `route` answers each POSTed request; `server/discover` has a default answer. A
 * POSTed JSON-RPC response or notification gets 202; GET and DELETE get 405.
 */
export async function startRawModernServer(
  route: (message: RawModernMessage) => RawModernReply,
): Promise<RawModernServerHandle> {
  const requests: RawModernRequest[] = [];
  const server = await serveOnLoopback(async (req, res) => {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const message = JSON.parse((await readRequestText(req)) || '{}') as RawModernMessage;
    requests.push({ headers: req.headers, message });
    if (message.method === undefined || message.id === undefined) {
      return void res.writeHead(202).end();
    }
    const routed = route(message);
    const reply =
      routed ?? (message.method === 'server/discover' ? RAW_MODERN_DISCOVER : undefined);
    if (typeof reply === 'function') return void (await reply(res, message));
    const body = reply
      ? { jsonrpc: '2.0', id: message.id, result: reply }
      : { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } };
    res.writeHead(reply ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    requests,
    requestsOf: (method) => requests.filter((r) => r.message.method === method),
    close: () => server.close(),
  };
}

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequestText } from '../../apps/sample/src/demo-server/json-rpc-body.js';
import type { RawMessage } from './raw-mcp-server/raw-mcp-server.interface.js';

/** One request the server must answer itself (anything but the handshake). */
export interface ScriptedRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly message: RawMessage;
}

/** What {@link startScriptedMcpServer} answers beyond the handshake; undefined: `{}` as JSON. */
export type ScriptedAnswer = (request: ScriptedRequest) => Promise<void> | void;

export interface ScriptedMcpServerHandle {
  readonly url: string;
  readonly port: number;
  /** The headers and message of every POST, in order. */
  readonly posts: readonly { headers: IncomingHttpHeaders; message: RawMessage; url?: string }[];
  /** How many POSTs carried `method`. */
  count(method: string): number;
  /** Closes the server, destroying open connections. Idempotent. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * An MCP server on node:http that does the 2025 handshake (a 400 to the `server/discover` probe,
 * initialize as JSON with a session id, notifications with 202, DELETE with 200) and hands every other request to `answer`, for
 * answers no real server sends: endless streams, huge events, echoed headers.
 */
export async function startScriptedMcpServer(
  answer: ScriptedAnswer,
  /** The session's GET stream; default: 405, no such stream. */
  onGet?: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<ScriptedMcpServerHandle> {
  const posts: { headers: IncomingHttpHeaders; message: RawMessage; url?: string }[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'DELETE') return void res.writeHead(200).end();
    if (req.method === 'GET' && onGet) return onGet(req, res);
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const message = JSON.parse(await readRequestText(req)) as RawMessage;
    posts.push({ headers: req.headers, message, url: req.url });
    if (message.id === undefined || message.method === undefined) {
      return void res.writeHead(202).end();
    }
    if (message.method === 'server/discover') {
      // What a 2025-era server answers to the 2026-07-28 probe: no session, so a plain 400.
      const error = { code: -32000, message: 'Bad Request: Server not initialized' };
      res.writeHead(400, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error }));
    }
    if (message.method === 'initialize') {
      const result = {
        protocolVersion: message.params?.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: 'scripted', version: '1.0.0' },
      };
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'scripted-1' });
      return void res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
    }
    await answer({ req, res, message });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}/mcp`,
    port,
    posts,
    count: (method) => posts.filter((p) => p.message.method === method).length,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** Answers `message` with a JSON-RPC result as JSON. */
export function answerJson(res: ServerResponse, message: RawMessage, result: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
}

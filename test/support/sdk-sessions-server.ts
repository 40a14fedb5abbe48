import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  parseJsonRpcBody,
  readRequestText,
} from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { StatefulSessions } from '../../apps/sample/src/demo-server/stateful-sessions.js';
import { serveOnLoopback } from './loopback-server.js';

export interface SdkSessionsServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  url: string;
  /** The JSON-RPC methods POSTed so far, in order. */
  methods: string[];
  /** Ends every session, as a server that restarted would have. */
  closeSessions(): Promise<void>;
  close(): Promise<void>;
}

/** How the server answers a session's GET stream, besides as the SDK does. */
export interface SdkSessionsOptions {
  /** Serves each GET this much later, as a slow proxy in front would. */
  getDelayMs?: number;
  /** Answers each GET with 405: the server offers no such stream. */
  refuseGet?: boolean;
}

/**
 * Serves official-SDK 1.x servers on 127.0.0.1, one `newServer()` per session (stateful, as the
 * sample's demo server does).
 */
export async function serveSdkSessions(
  newServer: () => McpServer,
  { getDelayMs = 0, refuseGet = false }: SdkSessionsOptions = {},
): Promise<SdkSessionsServer> {
  const sessions = new StatefulSessions(newServer, {});
  const methods: string[] = [];
  const server = await serveOnLoopback(async (req, res) => {
    if (req.method === 'GET' && refuseGet) {
      res.writeHead(405, { allow: 'POST, DELETE' }).end();
      return;
    }
    if (req.method === 'GET' && getDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, getDelayMs));
    }
    const body =
      req.method === 'POST' ? parseJsonRpcBody(await readRequestText(req)).body : undefined;
    const method = (body as { method?: unknown } | undefined)?.method;
    if (typeof method === 'string') methods.push(method);
    await sessions.handle(req, res, body);
  });
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    methods,
    closeSessions: () => sessions.closeAll(),
    close: async () => {
      await sessions.closeAll();
      await server.close();
    },
  };
}

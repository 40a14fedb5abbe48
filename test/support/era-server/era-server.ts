import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  createMcpHandler,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { serveOnLoopback } from '../loopback-server.js';
import { buildEraServer, type ToolRuns } from './era-tools.js';
import { type FetchHandler, serveFetch } from './fetch-on-node.js';

/** Which protocol eras the server speaks. */
export type EraSetUp = 'modern' | 'dual' | 'legacy';

/** One HTTP request as the server saw it. */
export interface SeenRequest {
  httpMethod: string;
  headers: IncomingMessage['headers'];
  body?: { method?: string; params?: Record<string, unknown> };
}

export interface EraServerHandle {
  url: string;
  port: number;
  runs: ToolRuns;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * An MCP server built with `@modelcontextprotocol/server` 2.4.0 on 127.0.0.1: modern only
 * (`createMcpHandler` with `legacy: 'reject'`), dual (`createMcpHandler`'s default, which also
 * serves 2025 clients) or legacy only (a sessionful 2025 Streamable HTTP transport).
 * `toolsTtlMs` sets the `ttlMs` of its `tools/list` results (2026-07-28 cache hints).
 */
export async function startEraServer(
  setUp: EraSetUp,
  options: { toolsTtlMs?: number } = {},
): Promise<EraServerHandle> {
  const runs: ToolRuns = new Map();
  const requests: SeenRequest[] = [];
  const { handler, close } =
    setUp === 'legacy' ? legacyHandler(runs) : modernHandler(setUp, runs, options.toolsTtlMs);
  const server = await serveRecordingRequests(requests, handler);
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    port: server.port,
    runs,
    requests,
    close: async () => {
      await close();
      await server.close();
    },
  };
}

function modernHandler(
  setUp: 'modern' | 'dual',
  runs: ToolRuns,
  toolsTtlMs?: number,
): { handler: FetchHandler; close: () => Promise<void> } {
  const mcp = createMcpHandler(({ era }) => buildEraServer(era, runs, toolsTtlMs), {
    legacy: setUp === 'modern' ? 'reject' : 'stateless',
  });
  return { handler: (request) => mcp.fetch(request), close: () => mcp.close() };
}

/** A 2025-era server with sessions, so elicitation requests on a stream get their answers. */
function legacyHandler(runs: ToolRuns): { handler: FetchHandler; close: () => Promise<void> } {
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  const handler: FetchHandler = async (request) => {
    const sessionId = request.headers.get('mcp-session-id');
    const known = sessionId ? sessions.get(sessionId) : undefined;
    if (known) return known.handleRequest(request);
    if (sessionId) return new Response('Session not found', { status: 404 });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
      onsessionclosed: (id) => void sessions.delete(id),
    });
    await buildEraServer('legacy', runs).connect(transport);
    return transport.handleRequest(request);
  };
  return {
    handler,
    close: async () => {
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      sessions.clear();
    },
  };
}

/**
 * Serves `handler` on 127.0.0.1, noting each HTTP request in `requests` first (a POST's JSON body
 * too, when it parses).
 */
export function serveRecordingRequests(requests: SeenRequest[], handler: FetchHandler) {
  return serveOnLoopback(async (req, res) => {
    const seen: SeenRequest = { httpMethod: req.method ?? 'GET', headers: req.headers };
    requests.push(seen);
    await serveFetch(
      async (request) => {
        if (request.method === 'POST') {
          seen.body = (await request
            .clone()
            .json()
            .catch(() => undefined)) as SeenRequest['body'];
        }
        return handler(request);
      },
      req,
      res,
    );
  });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestText } from '../../../apps/sample/src/demo-server/json-rpc-body.js';
import type {
  RawMcpServerHandle,
  RawMcpServerOptions,
  RawMessage,
  RawRequestLog,
  RawToolCall,
} from './raw-mcp-server.interface.js';
import { answerOnSse, PendingAsks } from './raw-sse-call.js';
import { toolsListAnswer } from './raw-tool-pages.js';
import { serveOnLoopback } from '../loopback-server.js';

const HOST = '127.0.0.1';
const PATH = '/mcp';

const okText = (): Record<string, unknown> => ({ content: [{ type: 'text', text: 'ok' }] });

/**
 * A Streamable HTTP MCP server written with node:http alone, scripted by its options, for what
 * the SDK server will not send: an unknown server request, a tool that breaks the schema, a
 * structuredContent that breaks its outputSchema, an unsupported protocol version.
 * initialize, tools/list and ping are answered as JSON; tools/call as SSE; GET is 405.
 */
export async function startRawMcpServer(
  options: RawMcpServerOptions = {},
): Promise<RawMcpServerHandle> {
  const requests: RawRequestLog[] = [];
  const deletedSessions: string[] = [];
  const sessions = new Set<string>();
  const pending = new PendingAsks();
  let sessionCount = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers = {}): void => {
    res.writeHead(status, { ...headers, 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const error = (res: ServerResponse, id: RawMessage['id'], code: number, message: string) =>
    json(res, 200, { jsonrpc: '2.0', id, error: { code, message } });

  const onPost = async (req: IncomingMessage, res: ServerResponse, message: RawMessage) => {
    const header = req.headers['mcp-session-id'];
    const sessionId = typeof header === 'string' ? header : undefined;
    if (message.method === 'initialize') {
      sessionCount += 1;
      const id = `raw-session-${sessionCount}`;
      sessions.add(id);
      const asked = message.params?.protocolVersion;
      const result = {
        protocolVersion: options.protocolVersion ?? asked,
        capabilities: { tools: {} },
        serverInfo: { name: 'raw-mcp-server', version: '1.0.0' },
      };
      return json(res, 200, { jsonrpc: '2.0', id: message.id, result }, { 'mcp-session-id': id });
    }
    if (sessionId === undefined || !sessions.has(sessionId)) {
      return json(res, 404, {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32001, message: 'Session not found' },
      });
    }
    if (message.method === undefined) {
      pending.settle(message);
      return json(res, 202, undefined);
    }
    if (message.id === undefined) return json(res, 202, undefined);
    switch (message.method) {
      case 'ping':
        return json(res, 200, { jsonrpc: '2.0', id: message.id, result: {} });
      case 'tools/list': {
        const answer = toolsListAnswer(options.toolPages ?? [[]], sessionId, message.params);
        return json(res, 200, { jsonrpc: '2.0', id: message.id, ...answer });
      }
      case 'tools/call': {
        const call: Omit<RawToolCall, 'ask'> = {
          name: String(message.params?.name),
          arguments: (message.params?.arguments ?? {}) as Record<string, unknown>,
          sessionId,
        };
        const headers = { 'mcp-session-id': sessionId };
        return answerOnSse(res, headers, message, call, pending, options.onToolCall ?? okText);
      }
      default:
        return error(res, message.id, -32601, `Method not found: ${message.method}`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== PATH) {
      res.writeHead(404).end();
      return;
    }
    const httpMethod = req.method ?? 'GET';
    const text = await readRequestText(req);
    const entry: RawRequestLog = { httpMethod, headers: req.headers, message: parse(text) };
    requests.push(entry);
    res.once('finish', () => (entry.status = res.statusCode));
    if (httpMethod === 'DELETE') {
      const id = req.headers['mcp-session-id'];
      if (typeof id === 'string') {
        deletedSessions.push(id);
        sessions.delete(id);
      }
      return json(res, 200, undefined);
    }
    if (httpMethod !== 'POST') return json(res, 405, undefined, { allow: 'POST, DELETE' });
    if (!entry.message) return error(res, null, -32700, 'Parse error');
    return onPost(req, res, entry.message);
  };

  const server = await serveOnLoopback(handle);
  const { port } = server;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}${PATH}`,
    port,
    requests,
    deletedSessions,
    liveSessions: () => [...sessions],
    dropSessions: () => sessions.clear(),
    close: () => (closing ??= server.close()),
  };
}

function parse(text: string): RawMessage | undefined {
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

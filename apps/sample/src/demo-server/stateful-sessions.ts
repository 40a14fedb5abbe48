import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  StreamableHTTPServerTransport,
  type StreamableHTTPServerTransportOptions,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { replyJsonRpcError } from './http-replies.js';

interface Session {
  readonly mcp: McpServer;
  readonly transport: StreamableHTTPServerTransport;
}

/** What each session's transport is built with, besides its session id (JSON answers, events). */
export type SessionTransportOptions = Omit<
  StreamableHTTPServerTransportOptions,
  'sessionIdGenerator' | 'onsessioninitialized'
>;

/** One McpServer + transport per `Mcp-Session-Id`, created by an initialize request. */
export class StatefulSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly createServer: () => McpServer,
    private readonly transportOptions: SessionTransportOptions,
    private readonly newSessionId: () => string = randomUUID,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = this.sessions.get(sessionId);
      if (!session) return replyJsonRpcError(res, 404, -32001, 'Session not found');
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method === 'POST' && isInitializeRequest(body)) {
      const transport = await this.open();
      return transport.handleRequest(req, res, body);
    }
    replyJsonRpcError(res, 400, -32000, 'Bad Request: No valid session ID provided');
  }

  count(): number {
    return this.sessions.size;
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(sessions.map((s) => s.mcp.close()));
  }

  private async open(): Promise<StreamableHTTPServerTransport> {
    const mcp = this.createServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      ...this.transportOptions,
      sessionIdGenerator: this.newSessionId,
      onsessioninitialized: (id) => void this.sessions.set(id, { mcp, transport }),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) this.sessions.delete(transport.sessionId);
    };
    await mcp.connect(transport);
    return transport;
  }
}

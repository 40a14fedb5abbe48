import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  type EventStore,
  StreamableHTTPServerTransport,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { replyJsonRpcError } from '../../../apps/sample/src/demo-server/http-replies.js';

interface Session {
  readonly mcp: McpServer;
  readonly transport: StreamableHTTPServerTransport;
}

/** How each session's transport is built: resumable (event store) and with an SSE `retry`. */
export interface ResumableTransportOptions {
  readonly eventStore: EventStore;
  /** Sent as `retry:` in each priming event; undefined sends none. */
  readonly retryIntervalMs?: number;
}

/** Stateful sessions, one McpServer + resumable transport per `Mcp-Session-Id`. */
export class ProtocolSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly createServer: () => McpServer,
    private readonly options: ResumableTransportOptions,
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
      sessionIdGenerator: randomUUID,
      eventStore: this.options.eventStore,
      retryInterval: this.options.retryIntervalMs,
      onsessioninitialized: (id) => void this.sessions.set(id, { mcp, transport }),
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) this.sessions.delete(transport.sessionId);
    };
    await mcp.connect(transport);
    return transport;
  }
}

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
  parseJsonRpcBody,
  readRequestText,
} from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { StatefulSessions } from '../../apps/sample/src/demo-server/stateful-sessions.js';
import { serveOnLoopback } from './loopback-server.js';

interface ToolExtra {
  _meta?: Record<string, unknown>;
  requestInfo?: { headers: Record<string, unknown> };
}

/** The trace context one `tools/call` reached the server with. */
export interface ReceivedTraceContext {
  tool: string;
  /** `params._meta.traceparent`, as the tool's handler got it. */
  metaTraceparent?: unknown;
  /** The HTTP `traceparent` header of the same request. */
  headerTraceparent?: string;
}

export interface TraceMetaServer {
  /** `http://127.0.0.1:<port>/mcp` */
  readonly url: string;
  /** What each `tools/call` that reached a tool carried, in order. */
  readonly received: ReceivedTraceContext[];
  /**
   * Sends `roots/list` from the newest session outside any request (on its GET stream), as a
   * server does on its own; rejects when the client does not answer within `timeoutMs`.
   */
  askRoots(timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * An official-SDK MCP server (stateful Streamable HTTP) whose tools record the trace context
 * each call reached them with: `echo` answers its text, `broken` answers `isError: true`,
 * `progress` sends one progress notification first when asked for progress. Session ids come
 * from `newSessionId` (default: random UUIDs).
 */
export async function startTraceMetaServer(newSessionId?: () => string): Promise<TraceMetaServer> {
  const received: ReceivedTraceContext[] = [];
  let newest: McpServer | undefined;
  const newServer = (): McpServer => {
    const mcp = new McpServer({ name: 'trace-meta', version: '1.0.0' });
    newest = mcp;
    const record = (tool: string, extra: ToolExtra): void => {
      const header = extra.requestInfo?.headers.traceparent;
      received.push({
        tool,
        metaTraceparent: extra._meta?.traceparent,
        headerTraceparent: typeof header === 'string' ? header : undefined,
      });
    };
    mcp.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }, extra) => {
      record('echo', extra);
      return { content: [{ type: 'text', text }] };
    });
    mcp.registerTool('progress', {}, async (extra) => {
      const progressToken = extra._meta?.progressToken;
      if (progressToken !== undefined) {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress: 1, total: 2 },
        });
      }
      return { content: [{ type: 'text', text: 'done' }] };
    });
    mcp.registerTool('broken', {}, (extra) => {
      record('broken', extra);
      return { content: [{ type: 'text', text: 'no' }], isError: true };
    });
    return mcp;
  };
  const sessions = new StatefulSessions(newServer, {}, newSessionId);
  const server = await serveOnLoopback(async (req, res) => {
    const body =
      req.method === 'POST' ? parseJsonRpcBody(await readRequestText(req)).body : undefined;
    await sessions.handle(req, res, body);
  });
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    received,
    askRoots: async (timeoutMs) => {
      if (!newest) throw new Error('no session yet');
      return newest.server.listRoots(undefined, { timeout: timeoutMs });
    },
    close: async () => {
      await sessions.closeAll();
      await server.close();
    },
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  parseJsonRpcBody,
  readRequestText,
} from '../../../apps/sample/src/demo-server/json-rpc-body.js';
import { registerClientRequestTools } from './client-request-tools.js';
import { ExecutionLog } from './execution-log.js';
import { registerNotificationTools } from './notification-tools.js';
import { OrderedEventStore } from './ordered-event-store.js';
import type {
  ProtocolRequestLog,
  ProtocolSdkServerHandle,
  ProtocolSdkServerOptions,
} from './protocol-sdk-server.interface.js';
import { StatefulSessions } from '../../../apps/sample/src/demo-server/stateful-sessions.js';
import { registerResumptionTools } from './resumption-tools.js';
import { serveOnLoopback } from '../loopback-server.js';

const HOST = '127.0.0.1';
const PATH = '/mcp';
const DEFAULT_RETRY_INTERVAL_MS = 100;

/**
 * Starts an official-SDK MCP server whose tools talk back to the client: elicitation, sampling,
 * roots and ping requests, progress and log notifications, and a counted tool that can close
 * its SSE stream for the client to resume with Last-Event-ID. Stateful, with an event store.
 */
export async function startProtocolSdkServer(
  options: ProtocolSdkServerOptions = {},
): Promise<ProtocolSdkServerHandle> {
  const retryIntervalMs = options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
  const executions = new ExecutionLog();
  const eventStore = new OrderedEventStore();
  const requests: ProtocolRequestLog[] = [];
  const newServer = (): McpServer => {
    const mcp = new McpServer(
      { name: 'protocol-test-server', version: '1.0.0' },
      { capabilities: { logging: {} } },
    );
    registerClientRequestTools(mcp);
    registerNotificationTools(mcp);
    registerResumptionTools(mcp, executions);
    return mcp;
  };
  const sessions = new StatefulSessions(newServer, { eventStore, retryInterval: retryIntervalMs });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== PATH) {
      res.writeHead(404).end();
      return;
    }
    const time = Date.now();
    const httpMethod = req.method ?? 'GET';
    if (httpMethod !== 'POST') {
      requests.push({ httpMethod, headers: req.headers, methods: [], time });
      return sessions.handle(req, res, undefined);
    }
    const { body, messages } = parseJsonRpcBody(await readRequestText(req));
    requests.push({
      httpMethod,
      headers: req.headers,
      methods: messages.map((m) => m.method),
      time,
    });
    return sessions.handle(req, res, body);
  };

  const server = await serveOnLoopback(handle);
  const { port } = server;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}${PATH}`,
    port,
    retryIntervalMs,
    executions,
    eventStore,
    requests,
    sessionCount: () => sessions.count(),
    close: () =>
      (closing ??= (async () => {
        await sessions.closeAll();
        await server.close();
      })()),
  };
}

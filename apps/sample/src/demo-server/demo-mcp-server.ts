import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createDemoMcpServer } from './create-demo-mcp-server.js';
import {
  type DemoMcpServerHandle,
  type DemoMcpServerOptions,
  resolveDemoMcpServerOptions,
} from './demo-mcp-server.interface.js';
import { DemoCounter } from './demo-counter.js';
import { FlakyGate } from './flaky-gate.js';
import { replyServiceUnavailable } from './http-replies.js';
import { parseJsonRpcBody, readRequestText } from './json-rpc-body.js';
import { RequestCounter } from './request-counter.js';
import { StatefulSessions } from './stateful-sessions.js';
import { StatelessRequests } from './stateless-requests.js';

export const DEMO_MCP_PATH = '/mcp';

/** Starts the official-SDK demo MCP server (Streamable HTTP) on 127.0.0.1. */
export async function startDemoMcpServer(
  options: DemoMcpServerOptions = {},
): Promise<DemoMcpServerHandle> {
  const resolved = resolveDemoMcpServerOptions(options);
  const flakyGate = new FlakyGate(resolved.flakyFailures);
  const counter = new RequestCounter();
  const demoCounter = new DemoCounter();
  const taskStore = new InMemoryTaskStore();
  const newServer = () =>
    createDemoMcpServer({ ...resolved, flakyGate, counter: demoCounter, taskStore });
  const sessions = new StatefulSessions(newServer, { enableJsonResponse: resolved.jsonResponse });
  const mode = resolved.stateful
    ? sessions
    : new StatelessRequests(newServer, resolved.jsonResponse);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== DEMO_MCP_PATH) {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      counter.recordHttp(req.method ?? 'UNKNOWN');
      return mode.handle(req, res, undefined);
    }
    const { body, messages } = parseJsonRpcBody(await readRequestText(req));
    counter.recordMessages(messages);
    if (flakyGate.shouldFail(messages)) return replyServiceUnavailable(res);
    return mode.handle(req, res, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await sessions.closeAll();
      taskStore.cleanup();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closing;
  };

  return {
    url: `http://${resolved.host}:${port}${DEMO_MCP_PATH}`,
    port,
    close,
    sessionCount: () => sessions.count(),
    dropSessions: () => sessions.closeAll(),
    requestCounts: () => counter.snapshot(),
    resetFlaky: (failures) => flakyGate.reset(failures),
    flakyRemaining: () => flakyGate.remainingFailures(),
    counterValue: () => demoCounter.value,
  };
}

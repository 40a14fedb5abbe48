/**
 * The benchmarks' MCP server, in its own process so it does not share a CPU or a heap with the
 * clients measured: the official-SDK demo server, stateful, SSE answers. Prints
 * `{"url": ...}` on stdout, then obeys `dropSessions` / `sessionCount` / `close` over IPC.
 */
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoServerReply, DemoServerRequest } from './demo-server-process.js';

export async function main(): Promise<void> {
  const server = await startDemoMcpServer({ stateful: true, flakyFailures: 0 });
  const reply = (message: DemoServerReply): void => void process.send?.(message);
  process.on('message', (request: DemoServerRequest) => {
    void (async () => {
      if (request.cmd === 'dropSessions') await server.dropSessions();
      if (request.cmd === 'close') await server.close();
      reply({ id: request.id, sessions: server.sessionCount() });
      if (request.cmd === 'close') process.disconnect();
    })();
  });
  process.on('disconnect', () => void server.close().finally(() => process.exit(0)));
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
}

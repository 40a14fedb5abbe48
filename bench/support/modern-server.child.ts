/**
 * The modern-era benchmark server, in its own process: `@modelcontextprotocol/server` 2.4.0's
 * `createMcpHandler` with `legacy: 'reject'` (2026-07-28 only) and one `echo` tool, on
 * 127.0.0.1. Prints `{"url": ...}`, then obeys the demo server's IPC (`close`; it has no sessions).
 */
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import { serveFetch } from '../../test/support/era-server/fetch-on-node.js';
import { serveOnLoopback } from '../../test/support/loopback-server.js';
import type { DemoServerReply, DemoServerRequest } from './demo-server-process.js';

export async function main(): Promise<void> {
  const mcp = createMcpHandler(
    () => {
      const server = new McpServer({ name: 'bench-modern', version: '1.0.0' });
      server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, ({ text }) => ({
        content: [{ type: 'text' as const, text }],
      }));
      return server;
    },
    { legacy: 'reject' },
  );
  const server = await serveOnLoopback((req, res) => serveFetch((r) => mcp.fetch(r), req, res));
  const close = async (): Promise<void> => {
    await mcp.close();
    await server.close();
  };
  process.on('message', (request: DemoServerRequest) => {
    void (async () => {
      if (request.cmd === 'close') await close();
      process.send?.({ id: request.id, sessions: 0 } satisfies DemoServerReply);
      if (request.cmd === 'close') process.disconnect();
    })();
  });
  process.on('disconnect', () => void close().finally(() => process.exit(0)));
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.port}/mcp` })}\n`);
}

// A server cannot make tools/list hold its cursors: a cursor past 4 KiB (UTF-8) fails the listing
// on its page, and cursors count against maxResponseBytes together with the tools (150 pages of
// 4 MiB cursors and no tools were "ok", holding 786 MiB).
import { afterEach, expect, it } from 'vitest';
import { isMcpProtocolError, type McpProtocolError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { startHostileToolServer } from '../support/hostile-tool-server.js';
import type { ScriptedMcpServerHandle } from '../support/scripted-mcp-server.js';

const CAP = 64 * 1024;
const tool = (name: string) => ({ name, inputSchema: { type: 'object' } });

let server: ScriptedMcpServerHandle | undefined;
let app: ClientTestApp | undefined;
afterEach(async () => {
  await app?.close();
  await server?.close();
  app = server = undefined;
});

/** Three pages; the first two end with the cursor `${page}:${filler}`. */
async function listWithCursors(filler: string) {
  server = await startHostileToolServer({
    listing: (cursor) => {
      const page = cursor === undefined ? 0 : Number(cursor.split(':', 1)[0]);
      const nextCursor = page < 2 ? `${page + 1}:${filler}` : undefined;
      return JSON.stringify({ tools: [tool(`t${page}`)], nextCursor });
    },
  });
  app = await startClientApp({ servers: { h: { url: server.url } } });
  return app.client.listTools('h').then(
    (tools) => tools.map((t) => t.name),
    (error: unknown) => error as McpProtocolError,
  );
}

it('a cursor of more than 4096 bytes fails the listing on the page that gave it', async () => {
  // "1:" and 2,048 × "é": 2,050 characters, 4,098 bytes (the cap is on bytes).
  const outcome = await listWithCursors('é'.repeat(2048));
  expect(isMcpProtocolError(outcome)).toBe(true);
  expect((outcome as McpProtocolError).message).toBe(
    'MCP error -32603: tools/list gave a cursor of 4098 bytes on page 1 (at most 4096)',
  );
  expect((outcome as McpProtocolError).clientId).toBe('h');
  expect(server!.count('tools/list')).toBe(1);
});

it('a cursor of 4096 bytes is followed and sent back whole', async () => {
  const filler = 'é'.repeat(2047); // with "1:", 4,096 bytes
  expect(await listWithCursors(filler)).toEqual(['t0', 't1', 't2']);
  const cursors = server!.posts.map((p) => p.message.params?.cursor).filter(Boolean);
  expect(cursors).toEqual([`1:${filler}`, `2:${filler}`]);
});

it('cursors count against maxResponseBytes: pages of no tools and new cursors end typed', async () => {
  server = await startHostileToolServer({
    listing: (cursor) => {
      const page = cursor === undefined ? 0 : Number(cursor.split(':', 1)[0]);
      return JSON.stringify({ tools: [], nextCursor: `${page + 1}:`.padEnd(4000, 'x') });
    },
  });
  app = await startClientApp({ servers: { h: { url: server.url, maxResponseBytes: CAP } } });
  const error = await app.client.listTools('h').then(
    () => undefined,
    (e: unknown) => e as McpProtocolError,
  );
  // Each page: "[]" (2 bytes) and a 4,000-byte cursor; 17 x 4,002 > 65,536 >= 16 x 4,002.
  expect(isMcpProtocolError(error)).toBe(true);
  expect(error?.message).toBe(
    `MCP error -32603: tools/list passed maxResponseBytes (${CAP} bytes) over 17 pages`,
  );
  expect(server.count('tools/list')).toBe(17);
});

// A server cannot keep tools/list paging: a repeated cursor fails the listing at once, and the
// pages together may hold no more than one answer (maxResponseBytes).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMcpProtocolError, type McpProtocolError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  answerJson,
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const PAGE_BYTES = 20 * 1024;
const CAP = 64 * 1024;

let server: ScriptedMcpServerHandle;
let app: ClientTestApp;

/** Path `/same`: one tool a page, always `nextCursor: "same"`; else 20 KiB pages, new cursors. */
function answer({ req, res, message }: ScriptedRequest): void {
  const page = Number((message.params?.cursor as string | undefined)?.slice(1) ?? 0);
  const description = req.url === '/same' ? 'a tool' : 'x'.repeat(PAGE_BYTES);
  const tools = [{ name: `tool-${page}`, description, inputSchema: { type: 'object' } }];
  const nextCursor = req.url === '/same' ? 'same' : `c${page + 1}`;
  answerJson(res, message, { tools, nextCursor });
}

const listCount = (path: string) =>
  server.posts.filter((p) => p.url === path && p.message.method === 'tools/list').length;

async function failureOf(call: Promise<unknown>): Promise<McpProtocolError> {
  return (await call.then(
    () => new Error('expected the listing to fail'),
    (error: unknown) => error,
  )) as McpProtocolError;
}

beforeAll(async () => {
  server = await startScriptedMcpServer(answer);
  const base = server.url.replace(/\/mcp$/, '');
  app = await startClientApp({
    servers: {
      same: { url: `${base}/same` },
      endless: { url: `${base}/endless`, maxResponseBytes: CAP },
    },
  });
});
afterAll(async () => {
  await app?.close();
  await server?.close();
});

it('a cursor the server already gave: a typed error naming it after 2 requests', async () => {
  const error = await failureOf(app.client.listTools('same'));
  expect(isMcpProtocolError(error)).toBe(true);
  expect(error.message).toBe('MCP error -32603: tools/list repeated the cursor "same" on page 2');
  expect(error.clientId).toBe('same');
  expect(listCount('/same')).toBe(2);
});

it('new cursors forever: fails once the pages pass maxResponseBytes together', async () => {
  const error = await failureOf(app.client.listTools('endless'));
  expect(isMcpProtocolError(error)).toBe(true);
  expect(error.message).toBe(
    `MCP error -32603: tools/list passed maxResponseBytes (${CAP} bytes) over 4 pages`,
  );
  expect(listCount('/endless')).toBe(4);
});

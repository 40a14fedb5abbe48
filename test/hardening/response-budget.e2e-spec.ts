// Issue 12, item 1: answers in flight at the same time share one byte budget
// (maxBufferedResponseBytes); the answer that would pass it fails with the typed error.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isMcpResponseTooLargeError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { MiB } from '../support/heap-peak.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const PART = 3 * MiB;
/** How long the server holds each answer half-sent, unless a client hangs up first. */
const HOLD_MS = 1500;

let server: ScriptedMcpServerHandle;
let app: ClientTestApp;
let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => (release = resolve));

/** 3 MiB of notifications, 1 KiB each, sent to every `chatty` call before any call's result. */
const chattyArrived: Array<() => void> = [];
async function chatty({ res, message }: ScriptedRequest): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const noise = JSON.stringify({
    jsonrpc: '2.0',
    method: 'notifications/noise',
    params: { pad: 'x'.repeat(960) },
  });
  res.write(`data: ${noise}\n\n`.repeat(PART / 1024));
  await new Promise<void>((resolve) => {
    chattyArrived.push(resolve);
    if (chattyArrived.length === 3) for (const go of chattyArrived.splice(0)) go();
  });
  await sleep(300);
  const result = { content: [{ type: 'text', text: 'done' }] };
  res.end(`data: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n\n`);
}

/** `part`: sends 3 MiB of the answer's one event, waits, then the rest. */
async function answer(request: ScriptedRequest): Promise<void> {
  if (request.message.params?.name === 'chatty') return chatty(request);
  const { res, message } = request;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.once('close', () => release());
  const head = `data: {"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":{"content":[{"type":"text","text":"`;
  res.write(head + 'x'.repeat(PART));
  await Promise.race([held, sleep(HOLD_MS)]);
  if (!res.destroyed) res.end('"}]}}\n\n');
}

beforeAll(async () => {
  server = await startScriptedMcpServer(answer);
  app = await startClientApp({
    maxResponseBytes: 4 * MiB,
    maxBufferedResponseBytes: 8 * MiB,
    servers: { shared: { url: server.url, tools: { part: { retry: 'always' } } } },
  });
});
afterAll(async () => {
  await app?.close();
  await server?.close();
});

it('three 3 MiB answers at once against an 8 MiB budget: one fails as too large', async () => {
  await app.client.connectWithRetry('shared');
  const calls = await Promise.allSettled(
    [1, 2, 3].map(() => app.client.callToolWithRetry('shared', 'part')),
  );
  const failed = calls.filter((c) => c.status === 'rejected');
  expect(failed).toHaveLength(1);
  const reason: unknown = failed[0]?.status === 'rejected' ? failed[0].reason : undefined;
  expect(isMcpResponseTooLargeError(reason)).toBe(true);
  expect((reason as Error).message).toMatch(/response too large/);
  expect(server.count('tools/call')).toBe(3);
  // The budget is given back: the same calls one at a time all pass.
  for (let i = 0; i < 3; i += 1) await app.client.callToolWithRetry('shared', 'part');
});

it('events already read are not held: three streams of 3 MiB of small events all pass', async () => {
  const calls = await Promise.all(
    [1, 2, 3].map(() => app.client.callToolWithRetry('shared', 'chatty')),
  );
  expect(calls.map((c) => c.content)).toEqual(
    Array.from({ length: 3 }, () => [{ type: 'text', text: 'done' }]),
  );
});

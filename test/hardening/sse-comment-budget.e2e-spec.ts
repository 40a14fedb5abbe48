// `:` comments between the data lines of one event do not end it: its bytes stay held against
// the shared budget (maxBufferedResponseBytes) until the blank line that dispatches it.
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

const CALLS = 6;
const LINES = 48;
const ITEM = `data: {"type":"text","text":"${'x'.repeat(64 * 1024)}"},\n`;
/** Longest the server holds an answer half-sent: only a client that never fails waits it out. */
const HOLD_MS = 3000;

let server: ScriptedMcpServerHandle;
let app: ClientTestApp;
let cut = 0;
const onCut: Array<() => void> = [];

/** Waits until every answer past the budget was cut, then ends the others. */
function allButTwoCut(): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (cut >= CALLS - 2) resolve();
    };
    onCut.push(check);
    check();
  });
}

/** One event of 3 MiB: 48 data lines of 64 KiB, a `: keepalive` comment after each. */
async function answer({ res, message }: ScriptedRequest): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.once('close', () => {
    if (res.writableEnded) return;
    cut += 1;
    for (const check of onCut) check();
  });
  res.write(`data: {"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":{"content":[\n`);
  for (let i = 0; i < LINES; i += 1) res.write(`${ITEM}: keepalive\n`);
  await Promise.race([allButTwoCut(), sleep(HOLD_MS)]);
  if (!res.destroyed) res.end('data: {"type":"text","text":"end"}]}}\n\n');
}

beforeAll(async () => {
  server = await startScriptedMcpServer(answer);
  app = await startClientApp({
    maxResponseBytes: 4 * MiB,
    maxBufferedResponseBytes: 8 * MiB,
    servers: { commented: { url: server.url } },
  });
});
afterAll(async () => {
  await app?.close();
  await server?.close();
});

it('six 3 MiB events cut by comments against an 8 MiB budget: all but two fail as too large', async () => {
  await app.client.connectWithRetry('commented');
  const calls = await Promise.allSettled(
    Array.from({ length: CALLS }, () => app.client.callToolWithRetry('commented', 'big')),
  );
  const reasons = calls.flatMap((c) => (c.status === 'rejected' ? [c.reason as unknown] : []));
  expect(reasons).toHaveLength(CALLS - 2);
  expect(reasons.every(isMcpResponseTooLargeError)).toBe(true);
  expect(reasons).toMatchObject(Array(CALLS - 2).fill({ limit: 'buffered' }));
  for (const call of calls) {
    if (call.status === 'fulfilled') expect(call.value.content).toHaveLength(LINES + 1);
  }
  expect(server.count('tools/call')).toBe(CALLS);
});

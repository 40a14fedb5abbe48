// A server whose session GET stream ends at once with `retry: 0` cannot make the client reopen
// it in a loop: a server's `retry:` is honoured down to 250 ms.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type ScriptedMcpServerHandle,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

let server: ScriptedMcpServerHandle;
let app: ClientTestApp;
let opens = 0;

beforeAll(async () => {
  server = await startScriptedMcpServer(
    ({ res }) => void res.writeHead(400).end(),
    (_req, res) => {
      opens += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('retry: 0\n\n');
    },
  );
  app = await startClientApp({ servers: { s: { url: server.url, listen: true } } });
});
afterAll(async () => {
  await app?.close();
  await server?.close();
});

it('reopens a stream that ends at once no more than four times a second', async () => {
  await app.client.connectWithRetry('s');
  const deadline = Date.now() + 5000;
  while (opens === 0 && Date.now() < deadline) await sleep(10);
  const from = opens;
  await sleep(1000);
  // 250 ms apart at the least: 4 in a second, 5 if the window straddles one. Before: hundreds.
  expect(opens - from).toBeLessThanOrEqual(5);
  expect(opens).toBeGreaterThan(0);
});

// A server whose session GET stream ends at once cannot make the client reopen it in a loop: a
// server's `retry:` is honoured down to 250 ms, and one past what a timer can hold (which Node
// would fire after 1 ms) is cut to a minute.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { startClientApp } from '../support/client-test-app.js';
import { startScriptedMcpServer } from '../support/scripted-mcp-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it.each(['0', '4294967296'])(
  'reopens a stream that ends at once with retry: %s no more than four times a second',
  async (retry) => {
    let opens = 0;
    const server = await startScriptedMcpServer(
      ({ res }) => void res.writeHead(400).end(),
      (_req, res) => {
        opens += 1;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`retry: ${retry}\n\n`);
      },
    );
    cleanups.push(() => server.close());
    const app = await startClientApp({ servers: { s: { url: server.url, listen: true } } });
    cleanups.push(() => app.close());

    await app.client.connectWithRetry('s');
    const deadline = Date.now() + 5000;
    while (opens === 0 && Date.now() < deadline) await sleep(10);
    const from = opens;
    await sleep(1000);
    // 250 ms apart at the least: 4 in a second, 5 if the window straddles one. Before: hundreds.
    expect(opens - from).toBeLessThanOrEqual(5);
    expect(opens).toBeGreaterThan(0);
  },
);

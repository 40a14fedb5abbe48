// A session's GET stream lives longer than an OAuth token: after a refresh, the reopened stream
// carries the new token, and a server that echoes it back in an event must not reach the event
// bus with it, as the first token did not.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { startClientApp } from '../support/client-test-app.js';
import { InMemoryOAuthProvider } from '../support/oauth/in-memory-oauth-provider.js';
import { startScriptedMcpServer } from '../support/scripted-mcp-server.js';

const FIRST = 'oauth-tok-FIRST-0123456789';
const SECOND = 'oauth-tok-SECOND-987654321';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('scrubs a token handed out after the stream was first opened from what the stream says', async () => {
  const seen: string[] = [];
  const server = await startScriptedMcpServer(
    ({ res }) => void res.writeHead(400).end(),
    (req, res) => {
      const token = String(req.headers.authorization).replace(/^Bearer /, '');
      seen.push(token);
      const echo = {
        jsonrpc: '2.0',
        method: 'notifications/message',
        params: { level: 'info', data: { seen: token } },
      };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Ends at once: the client reopens it 250 ms later.
      res.end(`retry: 250\ndata: ${JSON.stringify(echo)}\n\n`);
    },
  );
  cleanups.push(() => server.close());
  const oauth = new InMemoryOAuthProvider();
  oauth.saveTokens({ access_token: FIRST, token_type: 'Bearer' });
  const app = await startClientApp({
    servers: { s: { url: server.url, listen: true, auth: oauth } },
  });
  cleanups.push(() => app.close());
  const messages: string[] = [];
  app.events.on('server.message', (event) => messages.push(JSON.stringify(event.data)));

  await app.client.connectWithRetry('s');
  const until = async (done: () => boolean): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (!done() && Date.now() < deadline) await sleep(10);
  };
  await until(() => messages.length > 0);
  oauth.saveTokens({ access_token: SECOND, token_type: 'Bearer' });
  await until(() => seen.includes(SECOND) && messages.length >= seen.length);

  expect(seen).toContain(FIRST);
  expect(seen).toContain(SECOND);
  expect(messages.length).toBeGreaterThanOrEqual(2);
  for (const message of messages) {
    expect(message).toBe('{"seen":"[REDACTED]"}');
  }
});

// A character whose UTF-8 bytes the server writes in two pieces arrives whole, in an SSE event
// as in a JSON answer.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const TEXT = 'café, naïve, 日本語 ✓ 🎉';

/** Writes the result by tool name, as SSE or JSON, cutting inside every multi-byte character. */
async function answer({ res, message }: ScriptedRequest): Promise<void> {
  const sse = message.params?.name === 'sse';
  const json = JSON.stringify({
    jsonrpc: '2.0',
    id: message.id,
    result: { content: [{ type: 'text', text: TEXT }] },
  });
  const body = Buffer.from(sse ? `data: ${json}\n\n` : json);
  res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json' });
  let from = 0;
  for (const char of ['é', 'ï', '日', '✓', '🎉']) {
    const cut = body.indexOf(char, from) + 1;
    res.write(body.subarray(from, cut));
    from = cut;
    // Its own TCP segment: the client reads it before the rest is sent.
    await sleep(5);
  }
  res.end(body.subarray(from));
}

let server: ScriptedMcpServerHandle;
let app: ClientTestApp;
beforeAll(async () => {
  server = await startScriptedMcpServer(answer);
  app = await startClientApp({ servers: { split: { url: server.url } } });
});
afterAll(async () => {
  await app?.close();
  await server?.close();
});

it.each(['sse', 'json'])(
  'multi-byte characters split across writes arrive intact (%s)',
  async (tool) => {
    await app.client.connectWithRetry('split');
    const result = await app.client.callToolWithRetry('split', tool);
    expect(result.content).toEqual([{ type: 'text', text: TEXT }]);
  },
);

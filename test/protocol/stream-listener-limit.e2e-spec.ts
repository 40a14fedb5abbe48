// Each server request answered at once listens on its stream's signal. Past Node's default of
// 10 listeners, 13 requests at once (the limit is 16 + 16 pings) printed "Possible EventTarget
// memory leak detected", which operators read as a leak though every listener was removed.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type ScriptedMcpServerHandle,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const FORM = { message: 'hi', requestedSchema: { type: 'object', properties: {} } };

describe('many server requests answered at once on one stream', () => {
  let server: ScriptedMcpServerHandle | undefined;
  let app: ClientTestApp | undefined;
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  afterEach(async () => {
    process.off('warning', onWarning);
    await app?.close();
    await server?.close();
  });

  it('are each answered, with no listener-leak warning', async () => {
    process.on('warning', onWarning);
    server = await startScriptedMcpServer(async ({ res, message }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (msg: unknown) => res.write(`event: message\ndata: ${JSON.stringify(msg)}\n\n`);
      for (let i = 0; i < 14; i++) {
        send({ jsonrpc: '2.0', id: `e${i}`, method: 'elicitation/create', params: FORM });
      }
      await sleep(600);
      send({ jsonrpc: '2.0', id: message.id, result: { content: [] } });
      res.end();
    });
    let running = 0;
    let most = 0;
    app = await startClientApp({
      servers: { s: { url: server.url } },
      dlq: false,
      handlers: {
        elicitation: async () => {
          most = Math.max(most, ++running);
          await sleep(200);
          running--;
          return { action: 'decline' };
        },
      },
    });

    await app.client.callTool('s', 't', {});

    expect(most).toBe(14);
    const { posts } = server;
    await vi.waitFor(
      () =>
        expect(posts.filter((post) => String(post.message.id).startsWith('e'))).toHaveLength(14),
      { timeout: 5000 },
    );
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
  });
});

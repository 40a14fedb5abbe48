// A server that reuses the id of a request still being answered broke JSON-RPC, but the client
// ran the handler for both (a person asked twice), answered both, and the server's cancel of
// that id reached only the second.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerRequestEvent } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type ScriptedMcpServerHandle,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const FORM = { requestedSchema: { type: 'object', properties: {} } };

describe('a server request with the id of one still being answered', () => {
  let server: ScriptedMcpServerHandle | undefined;
  let app: ClientTestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  it('is dropped: the handler runs once, and the cancel of that id reaches it', async () => {
    server = await startScriptedMcpServer(async ({ res, message }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (msg: unknown) => res.write(`event: message\ndata: ${JSON.stringify(msg)}\n\n`);
      const ask = (text: string) => ({
        jsonrpc: '2.0',
        id: 'dup',
        method: 'elicitation/create',
        params: { ...FORM, message: text },
      });
      send(ask('first'));
      send(ask('second'));
      await sleep(200);
      send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'dup' } });
      await sleep(200);
      send({ jsonrpc: '2.0', id: message.id, result: { content: [] } });
      res.end();
    });
    const asked: string[] = [];
    const aborted: string[] = [];
    app = await startClientApp({
      servers: { s: { url: server.url } },
      dlq: false,
      handlers: {
        elicitation: ({ message }, { signal }) =>
          new Promise((resolve) => {
            asked.push(message);
            signal.addEventListener('abort', () => {
              aborted.push(message);
              resolve({ action: 'cancel' });
            });
          }),
      },
    });
    const outcomes: ServerRequestEvent['outcome'][] = [];
    app.events.on('server.request', (event) => outcomes.push(event.outcome));

    await app.client.callTool('s', 't', {});
    await sleep(100);

    expect(asked).toEqual(['first']);
    expect(aborted).toEqual(['first']);
    expect(outcomes.sort()).toEqual(['dropped', 'handled']);
    // Cancelled: not answered; the duplicate: not answered either.
    expect(server.posts.filter((post) => post.message.id === 'dup')).toEqual([]);
  });
});

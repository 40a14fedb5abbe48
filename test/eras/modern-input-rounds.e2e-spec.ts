import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRequestEvent } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';

describe('input_required rounds answered by the sampling and roots handlers (2026-07-28)', () => {
  let server: EraServerHandle;
  let app: ClientTestApp;
  const events: ServerRequestEvent[] = [];

  beforeAll(async () => {
    server = await startEraServer('modern');
    app = await startClientApp({
      servers: { modern: { url: server.url } },
      handlers: {
        sampling: () =>
          Promise.resolve({
            role: 'assistant',
            model: 'test-model',
            content: { type: 'text', text: 'short' },
          }),
        roots: () => Promise.resolve({ roots: [{ uri: 'file:///srv/app', name: 'app' }] }),
      },
      dlq: false,
    });
    app.events.on('server.request', (event) => events.push(event));
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('answers both input requests in one round and completes the call', async () => {
    const result = await app.client.callToolWithRetry('modern', 'summarise', {});
    expect(result.content).toEqual([{ type: 'text', text: 'short in file:///srv/app' }]);
    expect(server.runs.get('summarise')).toBe(2);
    expect(events.map((e) => `${e.method}:${e.outcome}`).sort()).toEqual([
      'roots/list:handled',
      'sampling/createMessage:handled',
    ]);
    const calls = server.requests.filter((r) => r.body?.method === 'tools/call');
    const meta = calls[0].body?.params?._meta as Record<string, unknown>;
    expect(meta['io.modelcontextprotocol/clientCapabilities']).toEqual({ sampling: {}, roots: {} });
    expect(Object.keys(calls[1].body?.params?.inputResponses as object).sort()).toEqual([
      'roots',
      'sample',
    ]);
  });
});

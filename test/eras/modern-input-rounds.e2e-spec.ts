import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRequestEvent } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/fault-proxy.js';

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
    expect(meta['io.modelcontextprotocol/clientCapabilities']).toEqual({
      sampling: {},
      roots: {},
      extensions: { 'io.modelcontextprotocol/tasks': {} },
    });
    expect(Object.keys(calls[1].body?.params?.inputResponses as object).sort()).toEqual([
      'roots',
      'sample',
    ]);
  });
});

describe('a later input round refused (2026-07-28)', () => {
  let server: EraServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  let asked = 0;

  beforeAll(async () => {
    server = await startEraServer('modern');
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({
      servers: { modern: { url: proxy.url } },
      retry: { initialDelayMs: 10, maxDelayMs: 10 },
      handlers: {
        sampling: () => {
          asked += 1;
          // Round 1 ran; the round that answers it is refused by the proxy, never sent on.
          proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 1 });
          return Promise.resolve({
            role: 'assistant',
            model: 'test-model',
            content: { type: 'text', text: 'short' },
          });
        },
        roots: () => Promise.resolve({ roots: [{ uri: 'file:///srv/app', name: 'app' }] }),
      },
      dlq: false,
    });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  it('is sent again as it was: round 1 does not run again, and the user is not asked again', async () => {
    const result = await app.client.callToolWithRetry('modern', 'summarise', {});
    expect(result.content).toEqual([{ type: 'text', text: 'short in file:///srv/app' }]);
    expect(asked).toBe(1);
    expect(server.runs.get('summarise')).toBe(2);
    const sent = proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call');
    const withResponses = (body: string | undefined) =>
      'inputResponses' in ((JSON.parse(body ?? '{}') as { params?: object }).params ?? {});
    expect(sent.map((r) => [r.status, withResponses(r.body)])).toEqual([
      [200, false],
      [503, true],
      [200, true],
    ]);
  });
});

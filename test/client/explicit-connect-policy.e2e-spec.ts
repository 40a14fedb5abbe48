// A per-tool policy survives an explicit connect, and an explicit config can carry one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

let server: CountingToolsServer;
let proxy: FaultProxy;
let app: ClientTestApp;
beforeAll(async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
  app = await startClientApp({
    servers: { policy: { url: proxy.url, tools: { pay: { retry: 'always' } } } },
    dlq: false,
  });
});
afterAll(async () => {
  await app.close();
  await proxy.close();
  await server.close();
});

it('keeps the configured per-tool policy after connectWithRetry(id, { headers })', async () => {
  await app.client.connectWithRetry('policy', { headers: { 'x-tenant': 'a' } });
  proxy.inject({ match: { method: 'tools/call' }, fault: faults.loseAnswer({ code: 502 }) });
  const result = await app.client.callToolWithRetry('policy', 'pay', { id: 'x' });
  expect(result.content).toEqual([{ type: 'text', text: 'x' }]);
  expect(server.executions('pay')).toBe(2);
});

it('honours tools/trustToolAnnotations given to connectWithRetry(id, config)', async () => {
  await app.client.connectWithRetry('adhoc', {
    url: proxy.url,
    tools: { pay: { retry: 'always' } },
  });
  server.reset();
  proxy.inject({ match: { method: 'tools/call' }, fault: faults.loseAnswer({ code: 502 }) });
  const result = await app.client.callToolWithRetry('adhoc', 'pay', { id: 'y' });
  expect(result.content).toEqual([{ type: 'text', text: 'y' }]);
  expect(server.executions('pay')).toBe(2);
});

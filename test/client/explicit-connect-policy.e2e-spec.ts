// A per-tool policy survives an explicit connect, an explicit config can carry one, and it is
// checked as a configured server is.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isFastMcpConfigError } from '@app/fastmcp';
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

it('checks a config given to connectWithRetry as servers.<id> is checked at start-up', async () => {
  const error = await app.client
    .connectWithRetry('adhoc', {
      url: proxy.url,
      headers: { 'x-tenant': 'a\r\nx-evil: 1' },
      tool: {},
    } as never)
    .catch((e: unknown) => e);
  expect(isFastMcpConfigError(error)).toBe(true);
  const message = (error as Error).message;
  expect(message).toContain('servers.adhoc.headers.x-tenant: must be printable ASCII');
  expect(message).toContain('servers.adhoc.tool: is not an option');
  expect(message).not.toContain('x-evil');
});

// A disconnect() while an operation waits to retry ends that operation: its next attempt fails
// with McpDisconnectedError instead of connecting the client id again (for a client id made by
// connect(id, { url }), perhaps to baseUrl: a server the caller never named for it).
import { afterEach, expect, it } from 'vitest';
import { isMcpDisconnectedError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { until } from '../support/until.js';

const servers: CountingToolsServer[] = [];
let proxy: FaultProxy | undefined;
let app: ClientTestApp | undefined;

afterEach(async () => {
  await app?.close();
  await proxy?.close();
  for (const server of servers.splice(0)) await server.close();
});

async function server(): Promise<CountingToolsServer> {
  const started = await startCountingToolsServer();
  servers.push(started);
  return started;
}

/** A retry waits 600 ms: long enough to disconnect during it. */
const SLOW_RETRY = { initialDelayMs: 600, maxDelayMs: 600 };

it('a call to a server given to connect(id, { url }) is not retried at baseUrl after disconnect', async () => {
  const named = await server();
  const fallback = await server();
  proxy = await startFaultProxy(named.url);
  app = await startClientApp({ baseUrl: fallback.url, dlq: false, retry: SLOW_RETRY });
  await app.client.connectWithRetry('x', { url: proxy.url, protocolVersion: '2025-11-25' });
  proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503) });
  const call = app.client.callToolWithRetry('x', 'pay').catch((e: unknown) => e);
  await until(() => proxy?.requests.some((r) => r.status === 503) === true);
  await app.client.disconnect('x');
  const error = await call;
  expect(isMcpDisconnectedError(error) && error.reason).toBe('disconnected');
  expect(fallback.executions('pay')).toBe(0);
  expect(fallback.liveSessions()).toBe(0);
  expect(app.client.getSession('x')).toBeUndefined();
});

it('a configured client id stays disconnected: the call waiting to retry opens no session', async () => {
  const configured = await server();
  proxy = await startFaultProxy(configured.url);
  app = await startClientApp({
    servers: { c: { url: proxy.url, protocolVersion: '2025-11-25' } },
    dlq: false,
    retry: SLOW_RETRY,
  });
  proxy.inject({ match: { method: 'tools/list' }, fault: faults.status(503) });
  const listing = app.client.listToolsWithRetry('c').catch((e: unknown) => e);
  await until(() => proxy?.requests.some((r) => r.status === 503) === true);
  await app.client.disconnect('c');
  expect(isMcpDisconnectedError(await listing)).toBe(true);
  expect(configured.liveSessions()).toBe(0);
  expect(app.client.getSession('c')).toBeUndefined();
  // A call made after the disconnect connects again, as before.
  await app.client.callToolWithRetry('c', 'lookup');
  expect(configured.executions('lookup')).toBe(1);
});

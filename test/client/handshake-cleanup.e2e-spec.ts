// A handshake whose `notifications/initialized` fails (an error status, or cut by shutdown) ends
// the session `initialize` opened: the server keeps no session the client will never use.
import { afterEach, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { until } from '../support/until.js';

let server: CountingToolsServer | undefined;
let proxy: FaultProxy | undefined;
let app: ClientTestApp | undefined;

afterEach(async () => {
  await app?.close();
  await proxy?.close();
  await server?.close();
  app = undefined;
});

async function setUp(shutdownGraceMs?: number): Promise<ClientTestApp> {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
  app = await startClientApp({
    servers: { c: { url: proxy.url, protocolVersion: '2025-11-25' } },
    dlq: false,
    ...(shutdownGraceMs === undefined ? {} : { shutdownGraceMs }),
  });
  return app;
}

const deletes = (): number => proxy?.requests.filter((r) => r.httpMethod === 'DELETE').length ?? 0;

it('ends the session when notifications/initialized gets an error status; the retry opens one', async () => {
  const client = (await setUp()).client;
  proxy!.inject({ match: { method: 'notifications/initialized' }, fault: faults.status(503) });
  const session = await client.connectWithRetry('c');
  expect(session.sessionId).toEqual(expect.any(String));
  expect(deletes()).toBe(1);
  expect(server!.liveSessions()).toBe(1);
  await app!.close();
  app = undefined;
  expect(server!.liveSessions()).toBe(0);
});

it('ends the session when shutdown cuts the handshake at notifications/initialized', async () => {
  const client = (await setUp(200)).client;
  proxy!.inject({ match: { method: 'notifications/initialized' }, fault: faults.hang() });
  const call = client.callToolWithRetry('c', 'lookup').catch((e: unknown) => e);
  await until(() => proxy!.requests.some((r) => r.fault?.kind === 'hang'));
  await app!.close();
  app = undefined;
  expect((await call) as Error).toHaveProperty('name', 'FastMcpShutdownError');
  proxy!.releaseHung();
  expect(server!.liveSessions()).toBe(0);
  expect(server!.executions('lookup')).toBe(0);
});

it('ends the session when the initialize answer breaks off after its session id came', async () => {
  const client = (await setUp()).client;
  proxy!.inject({ match: { method: 'initialize' }, fault: faults.cutStream(), times: 1 });
  const session = await client.connectWithRetry('c');
  expect(session.sessionId).toEqual(expect.any(String));
  await until(() => deletes() === 1);
  expect(server!.liveSessions()).toBe(1);
  await app!.close();
  app = undefined;
  expect(server!.liveSessions()).toBe(0);
});

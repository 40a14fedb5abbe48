// A 404 to the GET stream of a 2025 session means the server ended the session: the client drops
// it at once, so the next operation opens another session (initialize) instead of first sending
// its request into the one that is gone. The server is the official SDK's, stateful.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { until } from '../support/until.js';

/** Until the session's stream is open (a first GET's 404 means the server offers none). */
const streamOpen = () =>
  until(() => proxy?.requests.some((r) => r.httpMethod === 'GET' && r.status === 200) === true);

let server: CountingToolsServer | undefined;
let proxy: FaultProxy | undefined;
let app: ClientTestApp | undefined;

afterEach(async () => {
  await app?.close();
  await proxy?.close();
  await server?.close();
  app = undefined;
  proxy = undefined;
});

it('drops a session whose stream gets a 404; the next call opens another and runs once', async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
  app = await startClientApp({
    servers: { c: { url: proxy.url, protocolVersion: '2025-11-25', listen: true } },
    dlq: false,
  });
  const failures: string[] = [];
  app.events.on('attempt.failed', ({ errorClass }) => failures.push(errorClass));
  await app.client.callToolWithRetry('c', 'lookup');
  const first = app.client.getSession('c')?.sessionId;
  expect(first).toEqual(expect.any(String));
  await streamOpen();

  // The server ends the session and its stream; the client reopens the stream and gets a 404.
  await server.dropSessions();
  await until(() => app?.client.getSession('c') === undefined);
  expect(app.client.getSession('c')).toBeUndefined();

  await app.client.callToolWithRetry('c', 'lookup');
  const second = app.client.getSession('c')?.sessionId;
  expect(second).toEqual(expect.any(String));
  expect(second).not.toBe(first);
  // Nothing was sent into the gone session: no session_lost attempt, no re-initialisation.
  expect(failures).toEqual([]);
  expect(server.executions('lookup')).toBe(2);
  expect(server.liveSessions()).toBe(1);
});

it('connectWithRetry opens another session after such a 404, not return the gone one', async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
  app = await startClientApp({
    servers: { c: { url: proxy.url, protocolVersion: '2025-11-25', listen: true } },
    dlq: false,
  });
  const first = (await app.client.connectWithRetry('c')).sessionId;
  await streamOpen();
  await server.dropSessions();
  await until(() => app?.client.getSession('c') === undefined);
  const again = await app.client.connectWithRetry('c');
  expect(again.sessionId).toEqual(expect.any(String));
  expect(again.sessionId).not.toBe(first);
  expect(server.liveSessions()).toBe(1);
});

it('keeps the session when the very first GET is a 404: the server offers no stream', async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
  proxy.inject({ match: { httpMethod: 'GET' }, fault: faults.status(404), times: 1000 });
  app = await startClientApp({
    servers: { c: { url: proxy.url, protocolVersion: '2025-11-25', listen: true } },
    dlq: false,
  });
  for (let i = 0; i < 3; i += 1) {
    await app.client.callToolWithRetry('c', 'lookup');
    // Room for the stream's GET to be answered between calls.
    await sleep(100);
  }
  const initializes = proxy.requests.filter((r) => r.jsonRpcMethod === 'initialize');
  expect(initializes).toHaveLength(1);
  expect(proxy.requests.filter((r) => r.httpMethod === 'GET')).toHaveLength(1);
  expect(app.client.getSession('c')).toBeDefined();
  await app.close();
  app = undefined;
  expect(server.liveSessions()).toBe(0);
});

it('drops the session when the reopened stream gets a 400 that names the session', async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
  app = await startClientApp({
    servers: { c: { url: proxy.url, protocolVersion: '2025-11-25', listen: true } },
    dlq: false,
  });
  await app.client.callToolWithRetry('c', 'lookup');
  const first = app.client.getSession('c')?.sessionId;
  await streamOpen();
  // Some servers answer a gone session with 400 "No valid session ID" rather than 404.
  const body = {
    jsonrpc: '2.0',
    error: { code: -32000, message: 'Bad Request: No valid session ID provided' },
    id: null,
  };
  proxy.inject({ match: { httpMethod: 'GET' }, fault: faults.status(400, { body }), times: 1000 });
  await server.dropSessions();
  await until(() => app?.client.getSession('c') === undefined);
  expect(app.client.getSession('c')).toBeUndefined();
  await app.client.callToolWithRetry('c', 'lookup');
  expect(app.client.getSession('c')?.sessionId).not.toBe(first);
  expect(server.executions('lookup')).toBe(2);
});

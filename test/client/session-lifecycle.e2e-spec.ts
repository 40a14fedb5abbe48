// A disconnect or a new server configuration that arrives while a handshake of the same client id
// is still running, and a reconnect that fails or is cut by shutdown: whatever the order, the
// client id ends up where it was last sent, and no server keeps a session the client forgot.
// Each server sits behind a fault proxy that can hold a handshake's answer (the server has
// already opened the session) and that logs the DELETEs ending sessions.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type EnhancedFastMcpService,
  type FastMcpModuleOptions,
  McpDisconnectedError,
  type McpServerConfig,
} from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';

const ID = 'c';
/** How late a held handshake answer arrives: long next to everything else a test does meanwhile. */
const HOLD_MS = 2000;
/** How long a session the client must end may take to go: the held answer, then the DELETE. */
const UNTIL_ENDED = { timeout: HOLD_MS + 5000 };
/** How long a request may take to reach the proxy. */
const UNTIL_SENT = { timeout: 5000 };
/** Nothing listens on port 1: a connection there is refused. */
const UNREACHABLE_URL = 'http://127.0.0.1:1/mcp';

let serverA: CountingToolsServer;
let serverB: CountingToolsServer;
let proxyA: FaultProxy;
let proxyB: FaultProxy;
let app: ClientTestApp | undefined;

beforeAll(async () => {
  [serverA, serverB] = await Promise.all([startCountingToolsServer(), startCountingToolsServer()]);
  [proxyA, proxyB] = await Promise.all([
    startFaultProxy(serverA.url),
    startFaultProxy(serverB.url),
  ]);
});

afterEach(async () => {
  await stopApp();
  for (const proxy of [proxyA, proxyB]) {
    proxy.clear();
    proxy.clearRequests();
  }
  for (const server of [serverA, serverB]) {
    await server.dropSessions();
    server.reset();
  }
});

afterAll(async () => {
  await Promise.all([proxyA?.close(), proxyB?.close()]);
  await Promise.all([serverA?.close(), serverB?.close()]);
});

async function startApp(options: FastMcpModuleOptions = {}): Promise<ClientTestApp> {
  app = await startClientApp({
    dlq: false,
    ...options,
    // Longer than any held answer: a held request is waited for, never timed out.
    retry: { requestTimeoutMs: 10_000, ...options.retry },
  });
  return app;
}

async function stopApp(): Promise<void> {
  const running = app;
  app = undefined;
  await running?.close();
}

const legacy = (proxy: FaultProxy): McpServerConfig => ({
  url: proxy.url,
  protocolVersion: '2025-11-25',
});

function serverName(url: string | undefined): string | undefined {
  if (url === proxyA.url) return 'A';
  if (url === proxyB.url) return 'B';
  return url;
}

/** The proxy holds the answer to the next `initialize` for HOLD_MS. */
function holdHandshake(proxy: FaultProxy): void {
  proxy.inject({ match: { method: 'initialize' }, fault: faults.delayAnswer(HOLD_MS) });
}

/** Waits until the held request reached the proxy: its answer is now on hold. */
async function heldRequestOut(proxy: FaultProxy): Promise<void> {
  await vi.waitFor(
    () => expect(proxy.requests.some((r) => r.fault?.kind === 'delayAnswer')).toBe(true),
    UNTIL_SENT,
  );
}

/** The server received a DELETE and, once a held handshake landed, has no session left. */
async function expectNoSessionLeft(server: CountingToolsServer, proxy: FaultProxy): Promise<void> {
  await vi.waitFor(() => expect(server.liveSessions()).toBe(0), UNTIL_ENDED);
  expect(proxy.requests.filter((r) => r.httpMethod === 'DELETE').length).toBeGreaterThan(0);
}

describe('disconnect() while a handshake of the client id is running', () => {
  it("ends the session a call's auto-connect opens; the call fails, not retried, never sent", async () => {
    const { client, retries } = await startApp({ servers: { [ID]: legacy(proxyA) } });
    holdHandshake(proxyA);
    const call = client.callToolWithRetry(ID, 'lookup', { id: 'first' }).catch((e: unknown) => e);
    await heldRequestOut(proxyA);

    await client.disconnect(ID);
    const error = await call;

    expect(client.getSession(ID)?.sessionId).toBeUndefined();
    await expectNoSessionLeft(serverA, proxyA);
    // The handshake has landed now: the client id still has no session, the tool never ran.
    expect(client.getSession(ID)?.sessionId).toBeUndefined();
    expect(serverA.executions('lookup')).toBe(0);
    expect(error).toBeInstanceOf(McpDisconnectedError);
    expect(retries).toEqual([]);
  });

  it('ends the session connectWithRetry opens; the connect fails, not retried', async () => {
    const { client, retries } = await startApp();
    holdHandshake(proxyA);
    const connect = client.connectWithRetry(ID, legacy(proxyA)).catch((e: unknown) => e);
    await heldRequestOut(proxyA);

    await client.disconnect(ID);
    const error = await connect;

    expect(client.getSession(ID)?.sessionId).toBeUndefined();
    await expectNoSessionLeft(serverA, proxyA);
    // The handshake has landed now: the client id still has no session.
    expect(client.getSession(ID)?.sessionId).toBeUndefined();
    expect(error).toBeInstanceOf(McpDisconnectedError);
    expect(retries).toEqual([]);
  });
});

describe('connectWithRetry(id, B) while a handshake of the client id to A is running', () => {
  /** The client id lives on B: its session and its next call are B's; A keeps no session. */
  async function expectMovedToB(client: EnhancedFastMcpService): Promise<void> {
    await client.callToolWithRetry(ID, 'pay', { id: 'after' });
    expect(serverA.executions('pay')).toBe(0);
    expect(serverB.executions('pay')).toBe(1);
    expect(serverName(client.getSession(ID)?.url)).toBe('B');
    await expectNoSessionLeft(serverA, proxyA);
  }

  it("wins over a call's auto-connect to A", async () => {
    const { client } = await startApp({ servers: { [ID]: legacy(proxyA) } });
    holdHandshake(proxyA);
    const firstCall = client
      .callToolWithRetry(ID, 'lookup', { id: 'first' })
      .catch((e: unknown) => e);
    await heldRequestOut(proxyA);

    const session = await client.connectWithRetry(ID, legacy(proxyB));

    expect(serverName(session.url)).toBe('B');
    await firstCall;
    await expectMovedToB(client);
  });

  it('wins over connectWithRetry(id, A)', async () => {
    const { client } = await startApp();
    holdHandshake(proxyA);
    const first = client.connectWithRetry(ID, legacy(proxyA)).catch((e: unknown) => e);
    await heldRequestOut(proxyA);

    const session = await client.connectWithRetry(ID, legacy(proxyB));

    expect(serverName(session.url)).toBe('B');
    await first;
    await expectMovedToB(client);
  });

  it('wins over connectWithRetry(id, A) after a disconnect(id)', async () => {
    const { client } = await startApp();
    holdHandshake(proxyA);
    const first = client.connectWithRetry(ID, legacy(proxyA)).catch((e: unknown) => e);
    await heldRequestOut(proxyA);

    await client.disconnect(ID);
    const session = await client.connectWithRetry(ID, legacy(proxyB));

    expect(serverName(session.url)).toBe('B');
    await first;
    await expectMovedToB(client);
  });
});

describe('a reconnect that does not complete ends the previous session', () => {
  it('when the new server is unreachable', async () => {
    const { client } = await startApp({ servers: { [ID]: legacy(proxyA) } });
    await client.connect(ID);
    expect(serverA.liveSessions()).toBe(1);

    const failed = await client
      .connect(ID, { url: UNREACHABLE_URL, protocolVersion: '2025-11-25' })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    await stopApp();

    await expectNoSessionLeft(serverA, proxyA);
  });

  it('when app.close() cuts it while the new handshake is held', async () => {
    const { client } = await startApp({
      servers: { [ID]: legacy(proxyA) },
      shutdownGraceMs: 200,
    });
    await client.connectWithRetry(ID);
    expect(serverA.liveSessions()).toBe(1);
    holdHandshake(proxyB);
    const reconnect = client.connectWithRetry(ID, legacy(proxyB)).catch((e: unknown) => e);
    await heldRequestOut(proxyB);

    await stopApp();
    await reconnect;

    await expectNoSessionLeft(serverA, proxyA);
  });
});

// A disconnect or a new server configuration that arrives while a handshake of the same client id
// is still running, and a reconnect that fails or is cut by shutdown: whatever the order, the
// client id ends up where it was last sent, and no server keeps a session the client forgot.
// Each server sits behind a fault proxy that can hold a handshake's answer (the server has
// already opened the session) and that logs the DELETEs ending sessions.
import { describe, expect, it, vi } from 'vitest';
import {
  type EnhancedFastMcpService,
  McpDisconnectedError,
  type McpServerConfig,
} from '@app/fastmcp';
import type { CountingToolsServer } from '../support/counting-tools-server.js';
import { faults, type FaultProxy } from '../support/fault-proxy.js';
import { heldRequestOut, twoServersBehindProxies } from '../support/two-servers-behind-proxies.js';

const ID = 'c';
/** How late a held handshake answer arrives: long next to everything else a test does meanwhile. */
const HOLD_MS = 2000;
/** How long a session the client must end may take to go: the held answer, then the DELETE. */
const UNTIL_ENDED = { timeout: HOLD_MS + 5000 };
/** Nothing listens on port 1: a connection there is refused. */
const UNREACHABLE_URL = 'http://127.0.0.1:1/mcp';

const servers = twoServersBehindProxies();

const legacy = (proxy: FaultProxy): McpServerConfig => ({
  url: proxy.url,
  protocolVersion: '2025-11-25',
});

function serverName(url: string | undefined): string | undefined {
  if (url === servers.proxyA.url) return 'A';
  if (url === servers.proxyB.url) return 'B';
  return url;
}

/** The proxy holds the answer to the next `initialize` for HOLD_MS. */
function holdHandshake(proxy: FaultProxy): void {
  proxy.inject({ match: { method: 'initialize' }, fault: faults.delayAnswer(HOLD_MS) });
}

/** The server received a DELETE and, once a held handshake landed, has no session left. */
async function expectNoSessionLeft(server: CountingToolsServer, proxy: FaultProxy): Promise<void> {
  await vi.waitFor(() => expect(server.liveSessions()).toBe(0), UNTIL_ENDED);
  expect(proxy.requests.filter((r) => r.httpMethod === 'DELETE').length).toBeGreaterThan(0);
}

describe('disconnect() while a handshake of the client id is running', () => {
  it("ends the session a call's auto-connect opens; the call fails, not retried, never sent", async () => {
    const { client, retries } = await servers.startApp({
      servers: { [ID]: legacy(servers.proxyA) },
    });
    holdHandshake(servers.proxyA);
    const call = client.callToolWithRetry(ID, 'lookup', { id: 'first' }).catch((e: unknown) => e);
    await heldRequestOut(servers.proxyA);

    await client.disconnect(ID);
    const error = await call;

    expect(client.getSession(ID)?.sessionId).toBeUndefined();
    await expectNoSessionLeft(servers.serverA, servers.proxyA);
    // The handshake has landed now: the client id still has no session, the tool never ran.
    expect(client.getSession(ID)?.sessionId).toBeUndefined();
    expect(servers.serverA.executions('lookup')).toBe(0);
    expect(error).toBeInstanceOf(McpDisconnectedError);
    expect(retries).toEqual([]);
  });

  it('ends the session connectWithRetry opens; the connect fails, not retried', async () => {
    const { client, retries } = await servers.startApp();
    holdHandshake(servers.proxyA);
    const connect = client.connectWithRetry(ID, legacy(servers.proxyA)).catch((e: unknown) => e);
    await heldRequestOut(servers.proxyA);

    await client.disconnect(ID);
    const error = await connect;

    expect(client.getSession(ID)?.sessionId).toBeUndefined();
    await expectNoSessionLeft(servers.serverA, servers.proxyA);
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
    expect(servers.serverA.executions('pay')).toBe(0);
    expect(servers.serverB.executions('pay')).toBe(1);
    expect(serverName(client.getSession(ID)?.url)).toBe('B');
    await expectNoSessionLeft(servers.serverA, servers.proxyA);
  }

  it("wins over a call's auto-connect to A", async () => {
    const { client } = await servers.startApp({ servers: { [ID]: legacy(servers.proxyA) } });
    holdHandshake(servers.proxyA);
    const firstCall = client
      .callToolWithRetry(ID, 'lookup', { id: 'first' })
      .catch((e: unknown) => e);
    await heldRequestOut(servers.proxyA);

    const session = await client.connectWithRetry(ID, legacy(servers.proxyB));

    expect(serverName(session.url)).toBe('B');
    await firstCall;
    await expectMovedToB(client);
  });

  it('wins over connectWithRetry(id, A)', async () => {
    const { client } = await servers.startApp();
    holdHandshake(servers.proxyA);
    const first = client.connectWithRetry(ID, legacy(servers.proxyA)).catch((e: unknown) => e);
    await heldRequestOut(servers.proxyA);

    const session = await client.connectWithRetry(ID, legacy(servers.proxyB));

    expect(serverName(session.url)).toBe('B');
    await first;
    await expectMovedToB(client);
  });

  it('wins over connectWithRetry(id, A) after a disconnect(id)', async () => {
    const { client } = await servers.startApp();
    holdHandshake(servers.proxyA);
    const first = client.connectWithRetry(ID, legacy(servers.proxyA)).catch((e: unknown) => e);
    await heldRequestOut(servers.proxyA);

    await client.disconnect(ID);
    const session = await client.connectWithRetry(ID, legacy(servers.proxyB));

    expect(serverName(session.url)).toBe('B');
    await first;
    await expectMovedToB(client);
  });
});

describe('a reconnect that does not complete ends the previous session', () => {
  it('when the new server is unreachable', async () => {
    const { client } = await servers.startApp({ servers: { [ID]: legacy(servers.proxyA) } });
    await client.connect(ID);
    expect(servers.serverA.liveSessions()).toBe(1);

    const failed = await client
      .connect(ID, { url: UNREACHABLE_URL, protocolVersion: '2025-11-25' })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    await servers.stopApp();

    await expectNoSessionLeft(servers.serverA, servers.proxyA);
  });

  it('when app.close() cuts it while the new handshake is held', async () => {
    const { client } = await servers.startApp({
      servers: { [ID]: legacy(servers.proxyA) },
      shutdownGraceMs: 200,
    });
    await client.connectWithRetry(ID);
    expect(servers.serverA.liveSessions()).toBe(1);
    holdHandshake(servers.proxyB);
    const reconnect = client.connectWithRetry(ID, legacy(servers.proxyB)).catch((e: unknown) => e);
    await heldRequestOut(servers.proxyB);

    await servers.stopApp();
    await reconnect;

    await expectNoSessionLeft(servers.serverA, servers.proxyA);
  });
});

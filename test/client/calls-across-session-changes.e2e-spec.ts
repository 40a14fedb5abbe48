// What a tool call may carry over from another session or share with other callers: the tool
// list of the server a client id left, the failure of a handshake it shared, and a shutdown that
// ends it while only that handshake was out. Servers sit behind fault proxies.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type EnhancedFastMcpService,
  FastMcpShutdownError,
  type FastMcpModuleOptions,
  isFastMcpError,
  isRetryExhaustedError,
  McpDeliveryUnknownError,
  type McpServerConfig,
  type OperationName,
} from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  COUNTING_TOOLS,
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';

const ID = 'c';
/** How late a held answer arrives: long next to everything else a test does meanwhile. */
const HOLD_MS = 2000;

// A's `pay` claims to be read-only (safe to repeat); B's has no annotations (not safe to repeat).
let serverA: CountingToolsServer;
let serverB: CountingToolsServer;
let proxyA: FaultProxy;
let proxyB: FaultProxy;
let app: ClientTestApp | undefined;

beforeAll(async () => {
  [serverA, serverB] = await Promise.all([
    startCountingToolsServer({ ...COUNTING_TOOLS, pay: { readOnlyHint: true } }),
    startCountingToolsServer(),
  ]);
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

const trusted = (proxy: FaultProxy): McpServerConfig => ({
  url: proxy.url,
  protocolVersion: '2025-11-25',
  trustToolAnnotations: true,
});

/** Waits until a request held by a `delayAnswer` fault reached the proxy. */
async function heldRequestOut(proxy: FaultProxy): Promise<void> {
  await vi.waitFor(
    () => expect(proxy.requests.some((r) => r.fault?.kind === 'delayAnswer')).toBe(true),
    { timeout: 5000 },
  );
}

describe("a reconnect to another server forgets the first server's tool list", () => {
  /** B runs `pay`, then a gateway loses its answer (502): the call may not be sent again. */
  async function expectPayOnBNotRepeated(client: EnhancedFastMcpService): Promise<void> {
    proxyB.inject({
      match: { method: 'tools/call', toolName: 'pay' },
      fault: faults.loseAnswer({ code: 502 }),
    });
    const error = await client
      .callToolWithRetry(ID, 'pay', { id: 'charge' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpDeliveryUnknownError);
    expect(serverB.executions('pay')).toBe(1);
  }

  it('listed on A before connectWithRetry(id, B)', async () => {
    const { client } = await startApp();
    await client.connectWithRetry(ID, trusted(proxyA));
    await client.listToolsWithRetry(ID);

    await client.connectWithRetry(ID, trusted(proxyB));

    await expectPayOnBNotRepeated(client);
  });

  it('listed on A, the listing landing after disconnect(id) and connectWithRetry(id, B)', async () => {
    const { client } = await startApp();
    await client.connectWithRetry(ID, trusted(proxyA));
    proxyA.inject({ match: { method: 'tools/list' }, fault: faults.delayAnswer(HOLD_MS) });
    const listing = client.listToolsWithRetry(ID).catch((e: unknown) => e);
    await heldRequestOut(proxyA);

    await client.disconnect(ID);
    await client.connectWithRetry(ID, trusted(proxyB));
    await listing;

    await expectPayOnBNotRepeated(client);
  });
});

describe('a shared first handshake that fails', () => {
  /**
   * The operations a caller's outcome names: its own when it succeeded, else those of its error
   * and of the failure that error wraps.
   */
  async function operationsNamed(
    own: OperationName,
    outcome: Promise<unknown>,
  ): Promise<unknown[]> {
    try {
      await outcome;
      return [own];
    } catch (error) {
      const failures = isRetryExhaustedError(error) ? [error, error.lastError] : [error];
      return [...new Set(failures.map((f) => (isFastMcpError(f) ? f.operation : String(f))))];
    }
  }

  it("gives each caller an error naming the caller's own operation", async () => {
    const { client } = await startApp({
      servers: { [ID]: { url: proxyB.url, protocolVersion: '2025-11-25' } },
      // No retry: the callers fail with the handshake's 502, so their errors can be checked.
      retry: { maxRetries: 0 },
    });
    const refused = proxyB.inject({ match: { method: 'initialize' }, fault: faults.status(502) });

    const named = await Promise.all([
      operationsNamed('list_tools', client.listTools(ID)),
      operationsNamed('call_tool', client.callTool(ID, 'lookup', { id: '1' })),
      operationsNamed('call_tool', client.callToolWithRetry(ID, 'lookup', { id: '2' })),
      operationsNamed('call_tool', client.callToolWithRetry(ID, 'lookup', { id: '3' })),
    ]);

    expect(refused.hits).toBe(1);
    expect(named).toEqual([['list_tools'], ['call_tool'], ['call_tool'], ['call_tool']]);
  });
});

describe('shutdown while calls wait for a shared re-initialisation', () => {
  it('ends them as not delivered: only the initialize was out, pay never ran', async () => {
    const { client } = await startApp({
      servers: { [ID]: { url: proxyB.url, protocolVersion: '2025-11-25' } },
      shutdownGraceMs: 200,
    });
    await client.connectWithRetry(ID);
    // The server lost the session: each tools/call gets 404 (not run), then the calls wait for
    // one new initialize, whose answer the proxy holds past the grace.
    await serverB.dropSessions();
    proxyB.inject({ match: { method: 'initialize' }, fault: faults.delayAnswer(HOLD_MS) });

    const calls = ['1', '2', '3'].map((id) =>
      client.callToolWithRetry(ID, 'pay', { id }).catch((e: unknown) => e),
    );
    await heldRequestOut(proxyB);
    await stopApp();
    const errors = await Promise.all(calls);

    for (const error of errors) {
      expect(error).toBeInstanceOf(FastMcpShutdownError);
      expect((error as FastMcpShutdownError).delivery).not.toBe('unknown');
    }
    expect(serverB.executions('pay')).toBe(0);
  });
});

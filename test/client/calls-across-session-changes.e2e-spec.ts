// What a tool call may carry over from another session or share with other callers: the tool
// list of the server a client id left, the failure of a handshake it shared, and a shutdown that
// ends it while only that handshake was out. Servers sit behind fault proxies.
import { describe, expect, it } from 'vitest';
import {
  type EnhancedFastMcpService,
  FastMcpShutdownError,
  isFastMcpError,
  isRetryExhaustedError,
  McpDeliveryUnknownError,
  type McpServerConfig,
  type OperationName,
} from '@app/fastmcp';
import { COUNTING_TOOLS } from '../support/counting-tools-server.js';
import { faults, type FaultProxy } from '../support/fault-proxy.js';
import { heldRequestOut, twoServersBehindProxies } from '../support/two-servers-behind-proxies.js';

const ID = 'c';
/** How late a held answer arrives: long next to everything else a test does meanwhile. */
const HOLD_MS = 2000;

// A's `pay` claims to be read-only (safe to repeat); B's has no annotations (not safe to repeat).
const servers = twoServersBehindProxies({ ...COUNTING_TOOLS, pay: { readOnlyHint: true } });

const trusted = (proxy: FaultProxy): McpServerConfig => ({
  url: proxy.url,
  protocolVersion: '2025-11-25',
  trustToolAnnotations: true,
});

describe("a reconnect to another server forgets the first server's tool list", () => {
  /** B runs `pay`, then a gateway loses its answer (502): the call may not be sent again. */
  async function expectPayOnBNotRepeated(client: EnhancedFastMcpService): Promise<void> {
    servers.proxyB.inject({
      match: { method: 'tools/call', toolName: 'pay' },
      fault: faults.loseAnswer({ code: 502 }),
    });
    const error = await client
      .callToolWithRetry(ID, 'pay', { id: 'charge' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpDeliveryUnknownError);
    expect(servers.serverB.executions('pay')).toBe(1);
  }

  it('listed on A before connectWithRetry(id, B)', async () => {
    const { client } = await servers.startApp();
    await client.connectWithRetry(ID, trusted(servers.proxyA));
    await client.listToolsWithRetry(ID);

    await client.connectWithRetry(ID, trusted(servers.proxyB));

    await expectPayOnBNotRepeated(client);
  });

  it('listed on A, the listing landing after disconnect(id) and connectWithRetry(id, B)', async () => {
    const { client } = await servers.startApp();
    await client.connectWithRetry(ID, trusted(servers.proxyA));
    servers.proxyA.inject({ match: { method: 'tools/list' }, fault: faults.delayAnswer(HOLD_MS) });
    const listing = client.listToolsWithRetry(ID).catch((e: unknown) => e);
    await heldRequestOut(servers.proxyA);

    await client.disconnect(ID);
    await client.connectWithRetry(ID, trusted(servers.proxyB));
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
    const { client } = await servers.startApp({
      servers: { [ID]: { url: servers.proxyB.url, protocolVersion: '2025-11-25' } },
      // No retry: the callers fail with the handshake's 502, so their errors can be checked.
      retry: { maxRetries: 0 },
    });
    const refused = servers.proxyB.inject({
      match: { method: 'initialize' },
      fault: faults.status(502),
    });

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
    const { client } = await servers.startApp({
      servers: { [ID]: { url: servers.proxyB.url, protocolVersion: '2025-11-25' } },
      shutdownGraceMs: 200,
    });
    await client.connectWithRetry(ID);
    // The server lost the session: each tools/call gets 404 (not run), then the calls wait for
    // one new initialize, whose answer the proxy holds past the grace.
    await servers.serverB.dropSessions();
    servers.proxyB.inject({ match: { method: 'initialize' }, fault: faults.delayAnswer(HOLD_MS) });

    const calls = ['1', '2', '3'].map((id) =>
      client.callToolWithRetry(ID, 'pay', { id }).catch((e: unknown) => e),
    );
    await heldRequestOut(servers.proxyB);
    await servers.stopApp();
    const errors = await Promise.all(calls);

    for (const error of errors) {
      expect(error).toBeInstanceOf(FastMcpShutdownError);
      expect((error as FastMcpShutdownError).delivery).not.toBe('unknown');
    }
    expect(servers.serverB.executions('pay')).toBe(0);
  });
});

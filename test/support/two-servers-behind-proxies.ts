import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import type { FastMcpModuleOptions } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from './client-test-app.js';
import {
  COUNTING_TOOLS,
  type CountingToolsServer,
  startCountingToolsServer,
} from './counting-tools-server.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';

/** Two counting-tools servers, A and B, each behind a fault proxy, and the app of one test. */
export interface TwoServers {
  serverA: CountingToolsServer;
  serverB: CountingToolsServer;
  proxyA: FaultProxy;
  proxyB: FaultProxy;
  /** Starts the test's app: no DLQ, and a request timeout longer than any held answer. */
  startApp(options?: FastMcpModuleOptions): Promise<ClientTestApp>;
  stopApp(): Promise<void>;
}

/**
 * Starts A and B for the spec file (A with `toolsA`), and resets them after each test: the app
 * stopped, the proxies' faults and logs cleared, the servers' sessions dropped.
 */
export function twoServersBehindProxies(
  toolsA: Readonly<Record<string, ToolAnnotations | undefined>> = COUNTING_TOOLS,
): TwoServers {
  let app: ClientTestApp | undefined;
  const servers = {
    async startApp(options: FastMcpModuleOptions = {}): Promise<ClientTestApp> {
      app = await startClientApp({
        dlq: false,
        ...options,
        // Longer than any held answer: a held request is waited for, never timed out.
        retry: { requestTimeoutMs: 10_000, ...options.retry },
      });
      return app;
    },
    async stopApp(): Promise<void> {
      const running = app;
      app = undefined;
      await running?.close();
    },
  } as TwoServers;

  beforeAll(async () => {
    [servers.serverA, servers.serverB] = await Promise.all([
      startCountingToolsServer(toolsA),
      startCountingToolsServer(),
    ]);
    [servers.proxyA, servers.proxyB] = await Promise.all([
      startFaultProxy(servers.serverA.url),
      startFaultProxy(servers.serverB.url),
    ]);
  });

  afterEach(async () => {
    await servers.stopApp();
    for (const proxy of [servers.proxyA, servers.proxyB]) {
      proxy.clear();
      proxy.clearRequests();
    }
    for (const server of [servers.serverA, servers.serverB]) {
      await server.dropSessions();
      server.reset();
    }
  });

  afterAll(async () => {
    await Promise.all([servers.proxyA?.close(), servers.proxyB?.close()]);
    await Promise.all([servers.serverA?.close(), servers.serverB?.close()]);
  });

  return servers;
}

/** Waits until a request held by a `delayAnswer` fault reached the proxy: its answer is on hold. */
export async function heldRequestOut(proxy: FaultProxy): Promise<void> {
  await vi.waitFor(
    () => expect(proxy.requests.some((r) => r.fault?.kind === 'delayAnswer')).toBe(true),
    { timeout: 5000 },
  );
}

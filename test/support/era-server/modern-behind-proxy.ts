import { afterAll, afterEach, beforeAll } from 'vitest';
import { startClientApp, type ClientTestApp } from '../client-test-app.js';
import { startFaultProxy, type FaultProxy } from '../fault-proxy.js';
import { type EraServerHandle, startEraServer } from './era-server.js';

/** A modern-only era server behind the fault proxy, and a client app on it, for one suite. */
export interface ModernBehindProxy {
  server: EraServerHandle;
  proxy: FaultProxy;
  app: ClientTestApp;
}

/**
 * Registers the suite's hooks: starts the set-up before all tests (connecting `connect`), clears
 * faults, the request log and the retries after each, closes everything after all.
 */
export function useModernBehindProxy(
  servers: (
    url: string,
  ) => Record<string, { url: string; tools?: Record<string, { retry: 'always' }> }>,
  connect: string,
): ModernBehindProxy {
  const set = {} as ModernBehindProxy;
  beforeAll(async () => {
    set.server = await startEraServer('modern');
    set.proxy = await startFaultProxy(set.server.url);
    set.app = await startClientApp({ servers: servers(set.proxy.url), dlq: false });
    await set.app.client.connectWithRetry(connect);
  });
  afterEach(() => {
    set.proxy.clear();
    set.proxy.clearRequests();
    set.app.retries.length = 0;
  });
  afterAll(async () => {
    await set.app?.close();
    await set.proxy?.close();
    await set.server?.close();
  });
  return set;
}

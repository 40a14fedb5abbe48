import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRY, startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

/**
 * A tool call that first needs a session (its first call, or after the session was lost) has
 * not been sent when that handshake fails: the call is retried, not refused as "may have run",
 * even for a tool that is not safe to repeat (`pay`).
 */
let server: CountingToolsServer;
let proxy: FaultProxy;
let app: ClientTestApp | undefined;

beforeAll(async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  proxy.clear();
  proxy.clearRequests();
  server.reset();
});

afterAll(async () => {
  await proxy.close();
  await server.close();
});

const sent = (method: string): number =>
  proxy.requests.filter((r) => r.jsonRpcMethod === method).length;

async function start(): Promise<ClientTestApp> {
  app = await startClientApp({
    servers: { s: { url: proxy.url, protocolVersion: '2025-11-25' } },
    retry: FAST_RETRY,
    dlq: false,
  });
  return app;
}

describe('a handshake that fails inside a tool call', () => {
  for (const status of [502, 504]) {
    it(`retries a call whose first initialize got ${status}, and runs the tool once`, async () => {
      const { client } = await start();
      proxy.inject({ match: { method: 'initialize' }, fault: faults.status(status) });

      const result = await client.callToolWithRetry('s', 'pay', { id: 'first' });

      expect(result.isError).toBeFalsy();
      expect(sent('initialize')).toBe(2);
      expect(sent('tools/call')).toBe(1);
      expect(server.executions('pay')).toBe(1);
    });
  }

  it('retries a call whose re-initialisation after a lost session got 504', async () => {
    const { client } = await start();
    await client.connectWithRetry('s');
    await server.dropSessions();
    proxy.clearRequests();
    proxy.inject({ match: { method: 'initialize' }, fault: faults.status(504) });

    const result = await client.callToolWithRetry('s', 'pay', { id: 'again' });

    expect(result.isError).toBeFalsy();
    expect(sent('initialize')).toBe(2);
    expect(server.executions('pay')).toBe(1);
  });
});

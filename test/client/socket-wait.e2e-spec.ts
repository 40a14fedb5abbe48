import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';

/** The transport's keep-alive pool: calls past it wait for a socket before they are written. */
const MAX_SOCKETS = 256;

describe('an attempt waiting for a pooled socket', () => {
  let server: DemoMcpServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startDemoMcpServer();
    app = await startClientApp({
      servers: { demo: { url: server.url } },
      retry: { requestTimeoutMs: 3500, maxRetries: 2 },
      dlq: false,
    });
    await app.client.callToolWithRetry('demo', 'echo', { text: 'warm-up' });
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('starts its timeout when written: calls queued behind a full pool run once and succeed', async () => {
    const before = server.requestCounts()['tools/call'] ?? 0;
    const calls = MAX_SOCKETS + 44;
    // Each call holds its socket 2 s; the queued ones wait about 2 s for a socket first, so a
    // timer started before the wait (3.5 s) would fire during their 2 s on the server. Started
    // when written, it leaves 1.5 s for a loaded machine.
    const results = await Promise.allSettled(
      Array.from({ length: calls }, () =>
        app.client.callToolWithRetry('demo', 'slow', { ms: 2000 }),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.map((r) => String(r.reason)).slice(0, 3)).toEqual([]);
    expect((server.requestCounts()['tools/call'] ?? 0) - before).toBe(calls);
  }, 30_000);
});

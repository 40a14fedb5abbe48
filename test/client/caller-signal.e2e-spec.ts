// A caller's AbortSignal often outlives many calls (a request's, a worker's). The calls that use
// it must leave nothing on it, and it must still abort them; the shutdown must still end them.
import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isFastMcpShutdownError, McpAbortedError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  startCountingToolsServer,
  type CountingToolsServer,
} from '../support/counting-tools-server.js';

const CALLS = 200;

let server: CountingToolsServer;
let app: ClientTestApp | undefined;

beforeAll(async () => {
  server = await startCountingToolsServer();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  server.reset();
});
afterAll(async () => {
  await server?.close();
});

async function connectedApp(): Promise<ClientTestApp> {
  app = await startClientApp({
    servers: { s: { url: server.url, protocolVersion: '2025-11-25' } },
    dlq: false,
    shutdownGraceMs: 100,
  });
  await app.client.connectWithRetry('s');
  return app;
}

const abortListeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

async function untilStarted(tool: string, executionsBefore: number): Promise<void> {
  await vi.waitFor(() => expect(server.executions(tool)).toBe(executionsBefore + 1));
}

describe('calls sharing a long-lived caller signal', () => {
  it('leave no listener on it, and make no AbortSignal.any of it', async () => {
    // On Node 20 each AbortSignal.any keeps an entry on its sources for as long as they live.
    const any = vi.spyOn(AbortSignal, 'any');
    const { client } = await connectedApp();
    const { signal } = new AbortController();

    for (let i = 0; i < CALLS; i++) await client.callToolWithRetry('s', 'lookup', {}, { signal });

    expect(server.executions('lookup')).toBe(CALLS);
    expect(abortListeners(signal)).toBe(0);
    const ofSignal = any.mock.calls.filter(([sources]) => [...sources].includes(signal));
    expect(ofSignal).toEqual([]);
    any.mockRestore();
  });

  it('are still aborted by it mid-call, with McpAbortedError', async () => {
    const { client } = await connectedApp();
    const controller = new AbortController();
    await client.callToolWithRetry('s', 'lookup', {}, { signal: controller.signal });
    server.slowNext('lookup', 10_000);

    const call = client
      .callToolWithRetry('s', 'lookup', {}, { signal: controller.signal })
      .catch((error: unknown) => error);
    await untilStarted('lookup', 1);
    const reason = new Error('the caller gave up');
    controller.abort(reason);

    const error = await call;
    expect(error).toBeInstanceOf(McpAbortedError);
    expect((error as McpAbortedError).cause).toBe(reason);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('are still ended by the shutdown when its grace runs out', async () => {
    const { client } = await connectedApp();
    const { signal } = new AbortController();
    server.slowNext('lookup', 10_000);

    const call = client
      .callToolWithRetry('s', 'lookup', {}, { signal })
      .catch((error: unknown) => error);
    await untilStarted('lookup', 0);
    await app?.close();
    app = undefined;

    expect(isFastMcpShutdownError(await call)).toBe(true);
    expect(abortListeners(signal)).toBe(0);
  });
});

describe('a signal aborted before the call', () => {
  it('fails a reconnect at once and leaves the live session as it was', async () => {
    const { client } = await connectedApp();
    const session = client.getSession('s');
    const liveBefore = server.liveSessions();
    const target = { url: server.url, protocolVersion: '2025-11-25' };

    const reconnect = client.connectWithRetry('s', target, { signal: AbortSignal.abort() });

    await expect(reconnect).rejects.toBeInstanceOf(McpAbortedError);
    expect(client.getSession('s')).toBe(session);
    expect(server.liveSessions()).toBe(liveBefore);
    await expect(client.callToolWithRetry('s', 'lookup', { id: 'x' })).resolves.toMatchObject({
      content: [{ text: 'x' }],
    });
    expect(server.liveSessions()).toBe(liveBefore);
  });
});

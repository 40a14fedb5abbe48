import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  DlqReplayService,
  McpAbortedError,
  RetryExhaustedError,
  UnknownClientError,
} from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';

describe('the client dead-letters what fails for good (Redis store)', () => {
  let redis: RedisServerHandle;
  let server: DemoMcpServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  let dlq: DeadLetterQueueService;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    [redis, server] = await Promise.all([
      startRedisServer(),
      startDemoMcpServer({ flakyFailures: 0 }),
    ]);
    proxy = await startFaultProxy(server.url);
    app = await startClientApp(
      {
        servers: { demo: { url: proxy.url, headers: { authorization: 'Bearer top-secret' } } },
        dlq: {
          redis: { url: redis.url },
          storeKinds: ['retries_exhausted', 'budget_exhausted', 'http'],
        },
      },
      logger,
    );
    dlq = app.moduleRef.get(DeadLetterQueueService);
  });

  afterEach(async () => {
    proxy.clear();
    const page = await dlq.list({ limit: 500 });
    await Promise.all(page.items.map((entry) => dlq.delete(entry.id)));
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
    await redis?.close();
  });

  it('stores one entry holding every attempt, and its replay after recovery empties the queue', async () => {
    server.resetFlaky(100);
    const error = await app.client
      .callToolWithRetry('demo', 'flaky', { note: 'keep me' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryExhaustedError);

    const { items } = await dlq.list();
    expect(items).toHaveLength(1);
    const entry = items[0];
    expect(entry).toMatchObject({
      operation: 'call_tool',
      clientId: 'demo',
      serverUrl: proxy.url,
      toolName: 'flaky',
      arguments: { note: 'keep me' },
      error: 'max retries exceeded',
      errorClass: 'http_503',
      retryCount: 3,
      replayCount: 0,
      status: 'dead',
      request: { method: 'tools/call', params: { name: 'flaky', arguments: { note: 'keep me' } } },
    });
    expect(entry.attempts.map((a) => a.status)).toEqual([503, 503, 503, 503]);
    expect(JSON.stringify(entry)).not.toContain('top-secret');
    expect(entry.request.headers['mcp-session-id']).toBe('[REDACTED]');
    expect(entry.request.headers['mcp-protocol-version']).toBe('2025-11-25');
    expect(logger.messages()).toContain(
      `Stored failed operation in DLQ: ${entry.id} (operation: call_tool, error: max retries exceeded)`,
    );

    server.resetFlaky(0);
    const replayed = await app.moduleRef.get(DlqReplayService).replay(entry.id);
    expect(replayed.result).toMatchObject({ content: [{ type: 'text' }] });
    expect((await dlq.list()).items).toEqual([]);
  });

  it('stores a non-retryable HTTP failure at once, with its class', async () => {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(403), times: 1 });
    await app.client.callToolWithRetry('demo', 'echo', { text: 'x' }).catch(() => undefined);
    const { items } = await dlq.list();
    expect(items.map((e) => [e.errorClass, e.attempts.length, e.retryCount])).toEqual([
      ['http_403', 1, 0],
    ]);
  });

  it('stores nothing for a caller abort or a kind left out of storeKinds', async () => {
    const controller = new AbortController();
    controller.abort();
    const aborted = await app.client
      .callToolWithRetry('demo', 'echo', { text: 'x' }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(McpAbortedError);
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.cutStream(), times: 1 });
    await app.client.callTool('demo', 'echo', { text: 'single attempt' }).catch(() => undefined);
    expect((await dlq.list()).items).toEqual([]);
  });

  it('keeps the entry and appends attempts when a replay fails again', async () => {
    server.resetFlaky(100);
    await app.client.callToolWithRetry('demo', 'flaky', {}).catch(() => undefined);
    const [entry] = (await dlq.list()).items;
    await expect(app.moduleRef.get(DlqReplayService).replay(entry.id)).rejects.toThrow();
    const after = await dlq.get(entry.id);
    expect(after).toMatchObject({ replayCount: 1, status: 'dead' });
    expect(after!.attempts.length).toBeGreaterThan(entry.attempts.length);
    server.resetFlaky(0);
  });
});

describe('replaying an entry of a client id this app does not know', () => {
  it('fails with UnknownClientError, never calls the URL stored in the entry, and keeps it as it was', async () => {
    const server = await startDemoMcpServer();
    const app = await startClientApp({ servers: {}, dlq: {} });
    try {
      const dlq = app.moduleRef.get(DeadLetterQueueService);
      const entry = await dlq.store({
        operation: 'call_tool',
        clientId: 'stranger',
        serverUrl: server.url,
        toolName: 'echo',
        arguments: { text: 'x' },
        request: { method: 'tools/call', params: { name: 'echo' }, headers: {} },
        error: 'HTTP 500',
        errorClass: 'http_500',
        attempts: [],
        retryCount: 0,
        firstAttemptAt: new Date().toISOString(),
        failedAt: new Date().toISOString(),
      });
      const before = await dlq.get(entry.id);
      await expect(app.moduleRef.get(DlqReplayService).replay(entry.id)).rejects.toBeInstanceOf(
        UnknownClientError,
      );
      expect(server.requestCounts()['initialize'] ?? 0).toBe(0);
      // Nothing was sent: the entry stays as it was, for an instance that has the client id.
      expect(await dlq.get(entry.id)).toEqual(before);
    } finally {
      await app.close();
      await server.close();
    }
  });
});

describe('the client without a DLQ', () => {
  it('keeps working with dlq: false', async () => {
    const server = await startDemoMcpServer({ flakyFailures: 100 });
    const app = await startClientApp({ servers: { demo: { url: server.url } }, dlq: false });
    try {
      expect(app.moduleRef.get(DeadLetterQueueService).enabled).toBe(false);
      await expect(app.client.callToolWithRetry('demo', 'flaky')).rejects.toBeInstanceOf(
        RetryExhaustedError,
      );
      const ok = await app.client.callToolWithRetry('demo', 'echo', { text: 'fine' });
      expect(ok.content).toEqual([{ type: 'text', text: 'fine' }]);
    } finally {
      await app.close();
      await server.close();
    }
  });
});

describe('the server URL a dead letter records', () => {
  let server: DemoMcpServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  let dlq: DeadLetterQueueService;

  beforeAll(async () => {
    server = await startDemoMcpServer();
    proxy = await startFaultProxy(server.url);
    const url = new URL(proxy.url);
    url.username = 'user';
    url.password = 'pw';
    url.search = '?token=abc&sig=SECRET';
    app = await startClientApp({
      servers: { demo: { url: url.toString() } },
      dlq: { storeKinds: ['retries_exhausted', 'http'] },
    });
    dlq = app.moduleRef.get(DeadLetterQueueService);
  });

  afterEach(async () => {
    proxy.clear();
    const page = await dlq.list({ limit: 500 });
    await Promise.all(page.items.map((entry) => dlq.delete(entry.id)));
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  // First of this block: the client has no session yet, so the failure is the handshake's.
  it('is the configured URL when the call failed during the handshake', async () => {
    proxy.inject({ match: { method: 'initialize' }, fault: faults.status(403), times: 1 });
    await expect(app.client.callToolWithRetry('demo', 'echo', { text: 'x' })).rejects.toThrow();
    const { items } = await dlq.list();
    expect(items.map((e) => [e.serverUrl, e.request.headers.accept])).toEqual([
      [proxy.url, 'application/json, text/event-stream'],
    ]);
  });

  it('is the configured URL without its query or credentials', async () => {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(403), times: 1 });
    await expect(app.client.callToolWithRetry('demo', 'echo', { text: 'x' })).rejects.toThrow();
    const { items } = await dlq.list();
    expect(items.map((e) => e.serverUrl)).toEqual([proxy.url]);
    expect(JSON.stringify(items)).not.toMatch(/SECRET|token=|pw@/);
  });
});

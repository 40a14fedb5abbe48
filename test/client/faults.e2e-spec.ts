import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  McpAbortedError,
  McpHttpError,
  McpTimeoutError,
  RetryExhaustedError,
  type OperationFailedEvent,
} from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';

const CALL = { method: 'tools/call' } as const;
const ECHO_REPEATS = { echo: { retry: 'always' } } as const;

describe('retry through faults (official SDK server behind the fault proxy)', () => {
  let server: DemoMcpServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  const failures: OperationFailedEvent[] = [];
  const logger = new CapturingLogger();

  beforeAll(async () => {
    server = await startDemoMcpServer({ stateful: true });
    proxy = await startFaultProxy(server.url);
    app = await startClientApp(
      {
        // These tests are about retry mechanics, so echo is marked safe to repeat.
        servers: { demo: { url: proxy.url, tools: ECHO_REPEATS }, lazy: { url: proxy.url } },
        // Long enough that a loaded machine never times out an attempt the test means to succeed.
        retry: { requestTimeoutMs: 3000 },
        dlq: false,
      },
      logger,
    );
    app.events.on('operation.failed', (e) => failures.push(e));
    await app.client.connectWithRetry('demo');
  });

  afterEach(() => {
    proxy.clear();
    proxy.clearRequests();
    app.retries.length = 0;
    failures.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  const callsSeen = (): number =>
    proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call').length;

  it('comes through a burst of 503s and reports each retry', async () => {
    proxy.inject({ match: CALL, fault: faults.status(503), times: 2 });
    const result = await app.client.callToolWithRetry('demo', 'echo', { text: 'ok' });
    expect(result.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(app.retries.map((r) => [r.retry, r.reason])).toEqual([
      [1, 'http_503'],
      [2, 'http_503'],
    ]);
    expect(callsSeen()).toBe(3);
    expect(server.requestCounts()['tools/call:echo']).toBeGreaterThanOrEqual(1);
  });

  it('honours Retry-After in seconds on 429', async () => {
    proxy.inject({ match: CALL, fault: faults.status(429, { retryAfter: 1 }), times: 1 });
    const started = Date.now();
    await app.client.callToolWithRetry('demo', 'echo', { text: 'later' });
    expect(app.retries[0]).toMatchObject({ reason: 'http_429', delayMs: 1000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once when Retry-After is past the remaining budget', async () => {
    proxy.inject({ match: CALL, fault: faults.status(503, { retryAfter: 120 }), times: 1 });
    const error = await app.client
      .callToolWithRetry('demo', 'echo', { text: 'x' }, { timeoutMs: 3000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpTimeoutError);
    expect((error as McpTimeoutError).scope).toBe('budget');
    expect((error as Error).message).toMatch(/asked to retry after 120000ms/);
    expect(callsSeen()).toBe(1);
  });

  it('retries a connection reset', async () => {
    proxy.inject({ match: CALL, fault: faults.reset(), times: 1 });
    await app.client.callToolWithRetry('demo', 'echo', { text: 'x' });
    expect(app.retries.map((r) => r.reason)).toEqual(['network']);
  });

  it('retries a hang past the attempt timeout, and cancels the abandoned request', async () => {
    proxy.inject({ match: CALL, fault: faults.hang(), times: 1 });
    await app.client.callToolWithRetry('demo', 'echo', { text: 'x' });
    expect(app.retries.map((r) => r.reason)).toEqual(['timeout']);
    const [first, second] = proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call');
    const firstId = (JSON.parse(first?.body ?? '{}') as { id: number }).id;
    expect((JSON.parse(second?.body ?? '{}') as { id: number }).id).not.toBe(firstId);
    await vi.waitFor(() => {
      const cancel = proxy.requests.find((r) => r.jsonRpcMethod === 'notifications/cancelled');
      expect(JSON.parse(cancel?.body ?? '{}')).toMatchObject({
        params: { requestId: firstId, reason: 'timeout' },
      });
    });
  });

  it('retries an SSE stream cut before the answer', async () => {
    proxy.inject({ match: CALL, fault: faults.cutStream(), times: 1 });
    const result = await app.client.callToolWithRetry('demo', 'echo', { text: 'cut' });
    expect(result.content).toEqual([{ type: 'text', text: 'cut' }]);
    expect(app.retries.map((r) => r.reason)).toEqual(['stream_cut']);
  });

  it.each([404, 400] as const)(
    're-initialises a session lost with %i once and resends',
    async (status) => {
      const before = app.client.getSession('demo')?.sessionId;
      proxy.inject({ match: CALL, fault: faults.dropSession({ status }), times: 1 });
      await app.client.callToolWithRetry('demo', 'echo', { text: 'again' });
      const methods = proxy.requests.map((r) => r.jsonRpcMethod);
      expect(methods).toEqual([
        'tools/call',
        'initialize',
        'notifications/initialized',
        'tools/call',
      ]);
      expect(app.retries).toEqual([]);
      expect(app.client.getSession('demo')?.sessionId).not.toBe(before);
    },
  );

  it('starts the handshake again when the session is lost at notifications/initialized', async () => {
    proxy.inject({
      match: { method: 'notifications/initialized' },
      fault: faults.dropSession(),
      times: 1,
    });
    const session = await app.client.connectWithRetry('handshake', { url: proxy.url });
    expect(session.sessionId).toBeTruthy();
    expect(proxy.requests.map((r) => r.jsonRpcMethod)).toEqual([
      'server/discover',
      'initialize',
      'notifications/initialized',
      'initialize',
      'notifications/initialized',
    ]);
    expect(app.retries).toEqual([]);
    await app.client.disconnect('handshake');
  });

  it('re-initialises when the real server dropped the session', async () => {
    await server.dropSessions();
    const result = await app.client.callToolWithRetry('demo', 'add', { a: 1, b: 2 });
    expect(result.structuredContent).toEqual({ sum: 3 });
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'initialize')).toHaveLength(1);
  });

  it('fails with RetryExhaustedError after maxRetries, holding the last error', async () => {
    proxy.inject({ match: CALL, fault: faults.status(502), times: 10 });
    const error = await app.client
      .callToolWithRetry('demo', 'echo', { text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect((error as RetryExhaustedError).attempts).toBe(4);
    expect((error as RetryExhaustedError).lastError).toBeInstanceOf(McpHttpError);
    expect(callsSeen()).toBe(4);
    expect(failures[0]).toMatchObject({
      retriesExhausted: true,
      errorClass: 'http_502',
      attempts: 4,
    });
  });

  it('does not retry a non-retryable 4xx', async () => {
    proxy.inject({ match: CALL, fault: faults.status(403, { body: 'forbidden' }), times: 1 });
    const error = await app.client
      .callToolWithRetry('demo', 'echo', { text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpHttpError);
    expect((error as McpHttpError).status).toBe(403);
    expect(callsSeen()).toBe(1);
  });

  it('stops at once when the caller aborts during a call, and cancels it on the server', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await app.client
      .callToolWithRetry(
        'demo',
        'slow',
        { ms: 5000 },
        { signal: controller.signal, retry: { requestTimeoutMs: 10_000 } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAbortedError);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(app.retries).toEqual([]);
    await vi.waitFor(() =>
      expect(proxy.requests.some((r) => r.jsonRpcMethod === 'notifications/cancelled')).toBe(true),
    );
  });

  it('stops at once when the caller aborts during a backoff', async () => {
    proxy.inject({ match: CALL, fault: faults.status(503, { retryAfter: 10 }), times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await app.client
      .callToolWithRetry('demo', 'echo', { text: 'x' }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpAbortedError);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(app.retries).toHaveLength(1);
    expect(callsSeen()).toBe(1);
  });

  it('retries the handshake of a connect', async () => {
    proxy.inject({ match: { method: 'initialize' }, fault: faults.status(503), times: 2 });
    const session = await app.client.connectWithRetry('fresh', { url: proxy.url });
    expect(session.sessionId).toBeTruthy();
    expect(app.retries.map((r) => [r.operation, r.reason])).toEqual([
      ['connect', 'http_503'],
      ['connect', 'http_503'],
    ]);
    await app.client.disconnect('fresh');
    expect(proxy.requests.at(-1)?.httpMethod).toBe('DELETE');
  });

  it('shares one handshake between concurrent first calls', async () => {
    const calls = await Promise.all(
      [1, 2, 3].map((n) => app.client.callToolWithRetry('lazy', 'echo', { text: `${n}` })),
    );
    expect(calls.map((c) => c.content)).toEqual(
      [1, 2, 3].map((n) => [{ type: 'text', text: `${n}` }]),
    );
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'initialize')).toHaveLength(1);
    await app.client.disconnect('lazy');
  });

  it('does not fail a caller because another caller aborted the handshake they shared', async () => {
    proxy.inject({ match: { method: 'initialize' }, fault: faults.hang(), times: 1 });
    const controller = new AbortController();
    const first = app.client
      .connectWithRetry('racy', { url: proxy.url }, { signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.waitFor(() =>
      expect(proxy.requests.some((r) => r.jsonRpcMethod === 'initialize')).toBe(true),
    );
    const second = app.client.callToolWithRetry('racy', 'echo', { text: 'mine' });
    controller.abort();
    expect(await first).toBeInstanceOf(McpAbortedError);
    expect((await second).content).toEqual([{ type: 'text', text: 'mine' }]);
    await app.client.disconnect('racy');
  });

  it('makes a single attempt with the basic API', async () => {
    proxy.inject({ match: CALL, fault: faults.status(503), times: 1 });
    const error = await app.client.callTool('demo', 'echo', { text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpHttpError);
    expect(callsSeen()).toBe(1);
  });
});

describe('retries of multi-page and budgeted operations', () => {
  let server: DemoMcpServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startDemoMcpServer({ extraTools: 23, toolsPageSize: 10 });
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({
      servers: { demo: { url: proxy.url, tools: ECHO_REPEATS } },
      retry: { requestTimeoutMs: 3000 },
      dlq: false,
    });
    await app.client.connectWithRetry('demo');
  });

  afterEach(() => {
    proxy.clear();
    proxy.clearRequests();
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  it('resumes tools/list at the page that failed', async () => {
    const list = { method: 'tools/list' } as const;
    proxy.inject({ match: list, fault: faults.status(503), after: 1, times: 1 });
    const tools = await app.client.listToolsWithRetry('demo');
    expect(tools).toHaveLength(30);
    expect(new Set(tools.map((t) => t.name)).size).toBe(30);
    const cursors = proxy.requests
      .filter((r) => r.jsonRpcMethod === 'tools/list')
      .map((r) => (JSON.parse(r.body) as { params?: { cursor?: string } }).params?.cursor);
    // page 1, page 2 (503), page 2 again with the same cursor, page 3
    expect(cursors).toHaveLength(4);
    expect(cursors[0]).toBeUndefined();
    expect(cursors[2]).toBe(cursors[1]);
    expect(cursors[3]).not.toBe(cursors[2]);
  });

  it('stops within its own budget (opts.timeoutMs) when every attempt hangs', async () => {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.hang(), times: 20 });
    const error = await app.client
      .callToolWithRetry(
        'demo',
        'echo',
        { text: 'x' },
        { timeoutMs: 2500, retry: { maxRetries: 10, requestTimeoutMs: 1000 } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpTimeoutError);
    expect((error as McpTimeoutError).scope).toBe('budget');
    expect((error as McpTimeoutError).timeoutMs).toBe(2500);
    // Attempts time out at 1000 ms, so at most three fit in a 2500 ms budget.
    const attempts = proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call').length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(3);
  });
});

describe('a retried request whose new id is one digit longer', () => {
  it('is sent whole (Content-Length follows the new body)', async () => {
    const server = await startDemoMcpServer({ stateful: true });
    const proxy = await startFaultProxy(server.url);
    const app = await startClientApp({ servers: { demo: { url: proxy.url } }, dlq: false });
    try {
      await app.client.connectWithRetry('demo'); // request ids 1 (server/discover), 2 (initialize)
      // 3 is tools/list: the server declares tasks, so the first call reads each tool's taskSupport.
      for (let id = 4; id <= 8; id += 1)
        await app.client.callToolWithRetry('demo', 'echo', { text: 'x' });
      proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 1 });
      const result = await app.client.callToolWithRetry('demo', 'echo', { text: 'ten' }); // ids 9, 10
      expect(result.content).toEqual([{ type: 'text', text: 'ten' }]);
      const last = proxy.requests.at(-1);
      expect(JSON.parse(last?.body ?? '{}')).toMatchObject({ id: 10 });
      expect(Number(last?.headers['content-length'])).toBe(Buffer.byteLength(last?.body ?? ''));
    } finally {
      await app.close();
      await proxy.close();
      await server.close();
    }
  });
});

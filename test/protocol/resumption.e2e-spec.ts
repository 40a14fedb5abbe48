import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { isMcpDeliveryUnknownError, McpTimeoutError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { primingEventLength } from '../support/protocol-server/ordered-event-store.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';

const CLIENT = 'proto';
/** The `retry:` of the server's priming events: the client waits this long before its GET. */
const RETRY_MS = 250;
/** Timer slack when comparing times measured in two places. */
const SLACK_MS = 15;
const CALL = { method: 'tools/call' } as const;

describe('SSE resumption with Last-Event-ID (official SDK server, event store)', () => {
  let server: ProtocolSdkServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  let sessionId: string | undefined;

  beforeAll(async () => {
    server = await startProtocolSdkServer({ retryIntervalMs: RETRY_MS });
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({
      servers: { [CLIENT]: { url: proxy.url } },
      dlq: false,
      handlers: { elicitation: () => ({ action: 'accept', content: { name: 'Resumed' } }) },
    });
    sessionId = (await app.client.connect(CLIENT)).sessionId;
  });

  afterEach(() => {
    proxy.clear();
    proxy.clearRequests();
    app.retries.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  const posts = () => proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call');
  const resumes = () =>
    proxy.requests.filter((r) => r.httpMethod === 'GET' && r.headers['last-event-id']);

  const countedWork = (key: string, workMs: number, closeStream: boolean, retry = true) => {
    const progress: Progress[] = [];
    const args = { key, workMs, closeStream };
    const opts = { onProgress: (p: Progress) => progress.push(p) };
    const call = retry
      ? app.client.callToolWithRetry(CLIENT, 'counted_work', args, opts)
      : app.client.callTool(CLIENT, 'counted_work', args, opts);
    return { call, progress };
  };

  it('resumes a stream the server closed after its priming event: waits `retry`, GETs with Last-Event-ID, and the tool runs once', async () => {
    const { call, progress } = countedWork('graceful-live', 700, true);
    const result = await call;
    expect(result.structuredContent).toEqual({ key: 'graceful-live', runs: 1 });
    expect(server.executions.runsOf('graceful-live')).toBe(1);
    expect(posts()).toHaveLength(1);
    const [get, ...more] = resumes();
    expect(more).toEqual([]);
    expect(get?.headers['last-event-id']).toMatch(/^ev-\d{8}$/);
    expect(get?.headers['mcp-session-id']).toBe(sessionId);
    expect(get?.headers.accept).toContain('text/event-stream');
    const closedAt = server.executions.streamClosedAt('graceful-live') ?? Infinity;
    expect((get?.time ?? 0) - closedAt).toBeGreaterThanOrEqual(RETRY_MS - SLACK_MS);
    expect(server.eventStore.replays).toContain(get?.headers['last-event-id']);
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
    // A resumption may be reported as a retry event, but never as a re-sent request.
    expect(app.retries.filter((r) => r.reason !== 'stream_resume')).toEqual([]);
  });

  it('gets an answer the server stored while the client waited, replayed on the GET', async () => {
    const { call, progress } = countedWork('graceful-stored', 40, true);
    const result = await call;
    expect(result.structuredContent).toEqual({ key: 'graceful-stored', runs: 1 });
    expect(server.executions.runsOf('graceful-stored')).toBe(1);
    expect(posts()).toHaveLength(1);
    expect(resumes()).toHaveLength(1);
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
  });

  it('resumes a stream cut by the network after the priming event, and the tool runs once', async () => {
    const cut = proxy.inject({
      match: CALL,
      fault: faults.cutStream({ afterBytes: primingEventLength(RETRY_MS) }),
    });
    const { call } = countedWork('cut-after-id', 400, false);
    const result = await call;
    expect(cut.hits).toBe(1);
    expect(result.structuredContent).toEqual({ key: 'cut-after-id', runs: 1 });
    expect(server.executions.runsOf('cut-after-id')).toBe(1);
    expect(posts()).toHaveLength(1);
    expect(resumes()).toHaveLength(1);
    expect(resumes()[0]?.headers['mcp-session-id']).toBe(sessionId);
  });

  it('resumes again when the resuming GET breaks too, and the tool still runs once', async () => {
    const cut = proxy.inject({
      match: { httpMethod: 'GET' },
      fault: faults.cutStream({ afterBytes: 1 }),
    });
    const { call, progress } = countedWork('get-cut', 700, true);
    const result = await call;
    expect(cut.hits).toBe(1);
    expect(result.structuredContent).toEqual({ key: 'get-cut', runs: 1 });
    expect(server.executions.runsOf('get-cut')).toBe(1);
    expect(posts()).toHaveLength(1);
    const [first, second] = resumes();
    expect(resumes()).toHaveLength(2);
    expect(second?.headers['last-event-id']).toBe(first?.headers['last-event-id']);
    expect(progress.map((p) => p.progress)).toEqual([1, 2]);
  });

  it('answers a server request that reaches it on the resumed stream', async () => {
    const result = await app.client.callTool(CLIENT, 'elicit_profile', { closeStream: true });
    expect(result.structuredContent).toMatchObject({
      answer: { ok: true, result: { action: 'accept', content: { name: 'Resumed', age: 30 } } },
    });
    expect(resumes()).toHaveLength(1);
    const answer = proxy.requests.find((r) => r.httpMethod === 'POST' && !r.jsonRpcMethod);
    expect(answer?.status).toBe(202);
  });

  it("fails at once when the server's retry is longer than what is left of the budget", async () => {
    const slow = await startProtocolSdkServer({ retryIntervalMs: 10_000 });
    const slowApp = await startClientApp({ servers: { slow: { url: slow.url } }, dlq: false });
    try {
      const started = Date.now();
      const args = { key: 'long-retry', workMs: 40, closeStream: true };
      const error = await slowApp.client
        .callTool('slow', 'counted_work', args, { timeoutMs: 1500 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpTimeoutError);
      expect((error as McpTimeoutError).scope).toBe('budget');
      expect(Date.now() - started).toBeLessThan(1000);
      expect(slow.requests.filter((r) => r.httpMethod === 'GET')).toEqual([]);
    } finally {
      await slowApp.close();
      await slow.close();
    }
  });

  it('resumes even on a single-attempt call (a resumption is not a retry)', async () => {
    const { call } = countedWork('single-attempt', 100, true, false);
    await expect(call).resolves.toMatchObject({
      structuredContent: { key: 'single-attempt', runs: 1 },
    });
    expect(resumes()).toHaveLength(1);
  });

  it('does not send the POST of a tool not known to be safe again when the stream broke before any event id', async () => {
    proxy.inject({ match: CALL, fault: faults.cutStream({ afterBytes: 0 }) });
    const { call } = countedWork('cut-before-id-unsafe', 40, false);
    await expect(call).rejects.toSatisfy(isMcpDeliveryUnknownError);
    expect(posts()).toHaveLength(1);
    expect(resumes()).toEqual([]);
  });

  it('fails a single-attempt call whose resuming GET is answered 405, without sending the POST again', async () => {
    proxy.inject({ match: { httpMethod: 'GET' }, fault: faults.status(405), times: 1 });
    const { call } = countedWork('get-405-single', 40, true, false);
    await expect(call).rejects.toThrow();
    expect(posts()).toHaveLength(1);
  });
});

describe('falling back to a new POST (counted_work marked safe to repeat)', () => {
  let server: ProtocolSdkServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startProtocolSdkServer({ retryIntervalMs: RETRY_MS });
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({
      servers: { [CLIENT]: { url: proxy.url, tools: { counted_work: { retry: 'always' } } } },
      dlq: false,
    });
    await app.client.connect(CLIENT);
  });

  afterEach(() => {
    proxy.clear();
    proxy.clearRequests();
    app.retries.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  const posts = () => proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call');
  const resumes = () =>
    proxy.requests.filter((r) => r.httpMethod === 'GET' && r.headers['last-event-id']);
  const countedWork = (key: string, workMs: number, closeStream: boolean) => ({
    call: app.client.callToolWithRetry(CLIENT, 'counted_work', { key, workMs, closeStream }),
  });

  it.each([405, 404, 400])(
    'sends the POST again when the resuming GET is answered %i',
    async (status) => {
      const key = `get-${status}`;
      proxy.inject({ match: { httpMethod: 'GET' }, fault: faults.status(status), times: 1 });
      const { call } = countedWork(key, 40, true);
      const result = await call;
      expect(result.structuredContent).toMatchObject({ key });
      expect(posts()).toHaveLength(2);
      expect(server.executions.runsOf(key)).toBe(2);
      expect(resumes()[0]?.status).toBe(status);
    },
  );

  it('sends the POST again, without a GET, when the stream broke before any event id', async () => {
    proxy.inject({ match: CALL, fault: faults.cutStream({ afterBytes: 0 }) });
    const { call } = countedWork('cut-before-id', 40, false);
    const result = await call;
    expect(result.structuredContent).toMatchObject({ key: 'cut-before-id' });
    expect(resumes()).toEqual([]);
    expect(posts()).toHaveLength(2);
    expect(app.retries.map((r) => r.reason)).toEqual(['stream_cut']);
  });
});

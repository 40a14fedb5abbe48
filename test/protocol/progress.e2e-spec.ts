import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { isMcpDeliveryUnknownError, McpTimeoutError, type ServerProgressEvent } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';

const CLIENT = 'proto';
/**
 * The attempt timeout of these calls; the long tool runs 3x as long, with progress every 0.2x:
 * a progress may come 480 ms late on a loaded machine before the attempt times out.
 */
const ATTEMPT_MS = 600;
const LONG_WORK = { steps: 15, intervalMs: 120 } as const;
const LONG_WORK_MS = LONG_WORK.steps * LONG_WORK.intervalMs;

describe('progress notifications (official SDK server)', () => {
  let server: ProtocolSdkServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  const events: ServerProgressEvent[] = [];

  beforeAll(async () => {
    server = await startProtocolSdkServer();
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({ servers: { [CLIENT]: { url: proxy.url } }, dlq: false });
    app.events.on('server.progress', (event) => events.push(event));
    await app.client.connect(CLIENT);
  });

  afterEach(() => {
    proxy.clearRequests();
    events.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  const timed = async <T>(work: () => Promise<T>) => {
    const started = Date.now();
    const outcome = await work().then(
      (value) => ({ value, error: undefined }),
      (error: unknown) => ({ value: undefined, error }),
    );
    return { ...outcome, ms: Date.now() - started };
  };

  it('sends a progressToken with tools/call and hands each notification to onProgress and the server.progress event', async () => {
    const seen: Progress[] = [];
    const result = await app.client.callTool(
      CLIENT,
      'progress_work',
      { steps: 3, intervalMs: 20 },
      { onProgress: (p) => seen.push(p) },
    );
    const post = proxy.requests.find((r) => r.jsonRpcMethod === 'tools/call');
    const sent = JSON.parse(post?.body ?? '{}') as {
      params: { _meta?: { progressToken?: string | number } };
    };
    const token = sent.params._meta?.progressToken;
    expect(token).toBeDefined();
    expect(result.structuredContent).toEqual({ steps: 3, sent: 3, progressToken: token });
    expect(seen.map(({ progress, total, message }) => ({ progress, total, message }))).toEqual(
      [1, 2, 3].map((n) => ({ progress: n, total: 3, message: `step ${n}` })),
    );
    expect(events).toEqual(
      [1, 2, 3].map((n) => ({
        clientId: CLIENT,
        progressToken: token,
        progress: n,
        total: 3,
        message: `step ${n}`,
      })),
    );
  });

  it('an onProgress that throws is logged once at ERROR, and the call goes on to its result', async () => {
    const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const result = await app.client.callToolWithRetry(
        CLIENT,
        'progress_work',
        { steps: 3, intervalMs: 20 },
        {
          onProgress: () => {
            throw new Error('a bug in the progress bar');
          },
        },
      );
      expect(result.structuredContent).toMatchObject({ steps: 3, sent: 3 });
      const logged = errors.mock.calls.map((call) => String(call[0]));
      expect(logged.filter((line) => line.includes('a bug in the progress bar'))).toEqual([
        `onProgress of call_tool on ${CLIENT} threw (Error: a bug in the progress bar); the call goes on`,
      ]);
      expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call')).toHaveLength(1);
    } finally {
      errors.mockRestore();
    }
  });

  it('gives concurrent calls their own progressToken, and each onProgress only its own progress', async () => {
    const seenA: number[] = [];
    const seenB: number[] = [];
    const [a, b] = await Promise.all([
      app.client.callTool(
        CLIENT,
        'progress_work',
        { steps: 2, intervalMs: 15 },
        { onProgress: (p) => seenA.push(p.total ?? -1) },
      ),
      app.client.callTool(
        CLIENT,
        'progress_work',
        { steps: 3, intervalMs: 10 },
        { onProgress: (p) => seenB.push(p.total ?? -1) },
      ),
    ]);
    const tokens = [a, b].map(
      (r) => (r.structuredContent as { progressToken: unknown }).progressToken,
    );
    expect(tokens[0]).not.toBeNull();
    expect(tokens[0]).not.toEqual(tokens[1]);
    expect(seenA).toEqual([2, 2]);
    expect(seenB).toEqual([3, 3, 3]);
  });

  it(`a tool running ${LONG_WORK_MS}ms (3x the ${ATTEMPT_MS}ms attempt timeout) succeeds while progress arrives every ${LONG_WORK.intervalMs}ms`, async () => {
    const seen: number[] = [];
    const { value, error, ms } = await timed(() =>
      app.client.callTool(CLIENT, 'progress_work', LONG_WORK, {
        retry: { requestTimeoutMs: ATTEMPT_MS },
        onProgress: (p) => seen.push(p.progress),
      }),
    );
    expect(error).toBeUndefined();
    expect(value?.structuredContent).toMatchObject({
      steps: LONG_WORK.steps,
      sent: LONG_WORK.steps,
    });
    expect(seen).toHaveLength(LONG_WORK.steps);
    expect(ms).toBeGreaterThanOrEqual(LONG_WORK_MS - 20);
  });

  it('the same tool times out at the attempt timeout when it sends no progress', async () => {
    const { error, ms } = await timed(() =>
      app.client.callTool(
        CLIENT,
        'progress_work',
        { ...LONG_WORK, notify: false },
        { retry: { requestTimeoutMs: ATTEMPT_MS } },
      ),
    );
    expect(error).toBeInstanceOf(McpTimeoutError);
    expect((error as McpTimeoutError).scope).toBe('attempt');
    expect(ms).toBeGreaterThanOrEqual(ATTEMPT_MS - 20);
    expect(ms).toBeLessThan(LONG_WORK_MS - 200);
  });

  it('does not restart the timeout on progress when resetTimeoutOnProgress is false', async () => {
    const { error, ms } = await timed(() =>
      app.client.callTool(CLIENT, 'progress_work', LONG_WORK, {
        retry: { requestTimeoutMs: ATTEMPT_MS },
        resetTimeoutOnProgress: false,
      }),
    );
    expect(error).toBeInstanceOf(McpTimeoutError);
    expect(ms).toBeLessThan(LONG_WORK_MS - 200);
  });

  it('stops at maxTotalTimeoutMs however much progress arrives', async () => {
    const { error, ms } = await timed(() =>
      app.client.callTool(CLIENT, 'progress_work', LONG_WORK, {
        retry: { requestTimeoutMs: ATTEMPT_MS },
        maxTotalTimeoutMs: 700,
      }),
    );
    expect(error).toBeInstanceOf(McpTimeoutError);
    expect(ms).toBeGreaterThanOrEqual(680);
    expect(ms).toBeLessThan(LONG_WORK_MS - 200);
  });

  it("still ends at the call's total budget", async () => {
    const { error, ms } = await timed(() =>
      app.client.callToolWithRetry(CLIENT, 'progress_work', LONG_WORK, {
        retry: { requestTimeoutMs: ATTEMPT_MS },
        timeoutMs: 700,
      }),
    );
    // The budget's end is reported as McpTimeoutError('budget'), or, when the attempt timer
    // fires a millisecond before the deadline by Date.now(), as an attempt timeout that is then
    // withheld (McpDeliveryUnknownError caused by it): see budget-end.e2e-spec.ts.
    const timeout = isMcpDeliveryUnknownError(error) ? error.cause : error;
    expect(timeout).toBeInstanceOf(McpTimeoutError);
    expect(ms).toBeGreaterThanOrEqual(700 - 20);
    expect(ms).toBeLessThan(LONG_WORK_MS - 200);
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call')).toHaveLength(1);
  });
});

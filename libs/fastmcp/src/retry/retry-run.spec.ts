import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { McpAbortedError } from '../errors/mcp-aborted.error.js';
import { McpDeliveryUnknownError } from '../errors/mcp-delivery-unknown.error.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { McpSocketWaitError } from '../errors/mcp-socket-wait.error.js';
import { McpTimeoutError } from '../errors/mcp-timeout.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted.error.js';
import type { RetryScheduledEvent } from '../events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { DEFAULT_RETRY_OPTIONS } from '../options/fastmcp-options.defaults.js';
import type { RetryOptions } from '../options/retry-options.interface.js';
import type { AttemptPolicy } from '../pipeline/attempt-policy.interface.js';
import { ServerPipeline } from '../pipeline/server-pipeline.js';
import { classifyError } from './classify-error.js';
import { RetryRun } from './retry-run.js';

function setup(
  policy: Partial<RetryOptions> = {},
  extra: {
    signal?: AbortSignal;
    auto?: boolean;
    safeToRepeat?: () => boolean;
    pipeline?: ServerPipeline;
  } = {},
) {
  const clock = new FakeClock(undefined, extra.auto ?? true);
  const events = new FastMcpEvents();
  const retries: RetryScheduledEvent[] = [];
  events.on('retry.scheduled', (e) => retries.push(e));
  const run = new RetryRun({
    operation: 'call_tool',
    clientId: 'c1',
    policy: { ...DEFAULT_RETRY_OPTIONS, jitter: 0, ...policy },
    clock,
    events,
    signal: extra.signal,
    safeToRepeat: extra.safeToRepeat,
    pipeline: extra.pipeline,
  });
  return { clock, run, retries };
}

describe('RetryRun', () => {
  it('waits 100, 200, 400 ms, then gives up with RetryExhaustedError after 3 retries', async () => {
    const { clock, run, retries } = setup();
    const failure = new McpHttpError(503);
    for (let i = 0; i < 3; i += 1) await run.waitBeforeRetry(new McpHttpError(503));
    const final = await run.waitBeforeRetry(failure).catch((e: unknown) => e);
    expect(clock.sleeps).toEqual([100, 200, 400]);
    expect(final).toBeInstanceOf(RetryExhaustedError);
    expect((final as RetryExhaustedError).attempts).toBe(4);
    expect((final as RetryExhaustedError).lastError).toBe(failure);
    expect(retries.map((r) => [r.retry, r.maxRetries, r.delayMs, r.reason])).toEqual([
      [1, 3, 100, 'http_503'],
      [2, 3, 200, 'http_503'],
      [3, 3, 400, 'http_503'],
    ]);
    expect(retries[2]?.cumulativeMs).toBe(300);
    expect(run.attempts.map((a) => a.errorClass)).toEqual(Array(4).fill('http_503'));
  });

  it('throws a non-retryable error as it is, at once', async () => {
    const { clock, run } = setup();
    const failure = new McpProtocolError(-32602, 'bad params');
    await expect(run.waitBeforeRetry(failure)).rejects.toBe(failure);
    await expect(run.waitBeforeRetry(new McpHttpError(404))).rejects.toBeInstanceOf(McpHttpError);
    expect(clock.sleeps).toEqual([]);
  });

  it('honours a Retry-After longer than the computed delay, and ignores a shorter one', async () => {
    const { clock, run } = setup();
    await run.waitBeforeRetry(new McpHttpError(429, { retryAfterMs: 1500 }));
    await run.waitBeforeRetry(new McpHttpError(503, { retryAfterMs: 50 }));
    expect(clock.sleeps).toEqual([1500, 200]);
  });

  it('gives up at once when Retry-After asks for more than the remaining budget', async () => {
    const { clock, run } = setup({ totalTimeoutMs: 5000 });
    const error = await run
      .waitBeforeRetry(new McpHttpError(503, { retryAfterMs: 60_000 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpTimeoutError);
    expect((error as McpTimeoutError).scope).toBe('budget');
    expect((error as Error).message).toContain('server asked to retry after 60000ms');
    expect(clock.sleeps).toEqual([]);
  });

  it('stops when the next delay would pass the total budget', async () => {
    const { clock, run } = setup({ totalTimeoutMs: 350, maxRetries: 10 });
    await run.waitBeforeRetry(new McpTransportError('network', 'reset'));
    await run.waitBeforeRetry(new McpTransportError('network', 'reset'));
    const error = await run
      .waitBeforeRetry(new McpTransportError('network', 'reset'))
      .catch((e: unknown) => e);
    expect(clock.sleeps).toEqual([100, 200]);
    expect(error).toBeInstanceOf(McpTimeoutError);
    expect((error as McpTimeoutError).scope).toBe('budget');
  });

  it('uses the shorter of the call timeout and the total budget', () => {
    const clock = new FakeClock();
    const run = new RetryRun({
      operation: 'connect',
      clientId: 'c1',
      policy: DEFAULT_RETRY_OPTIONS,
      clock,
      events: new FastMcpEvents(),
      timeoutMs: 2000,
    });
    expect(run.deadline - run.startedAt).toBe(2000);
  });

  it('stops a backoff wait at once when the caller aborts', async () => {
    const controller = new AbortController();
    const { clock, run } = setup({}, { signal: controller.signal, auto: false });
    const waiting = run.waitBeforeRetry(new McpHttpError(503));
    await Promise.resolve();
    expect(clock.pendingSleeps).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(McpAbortedError);
    expect(clock.pendingSleeps).toBe(0);
    await expect(run.waitBeforeRetry(new McpHttpError(503))).rejects.toBeInstanceOf(
      McpAbortedError,
    );
  });

  it('does not retry after the caller aborted, whatever the error', async () => {
    const controller = new AbortController();
    const { run, clock } = setup({}, { signal: controller.signal });
    controller.abort();
    await expect(run.waitBeforeRetry(new McpHttpError(503))).rejects.toBeInstanceOf(
      McpAbortedError,
    );
    await expect(run.beginAttempt()).rejects.toBeInstanceOf(McpAbortedError);
    expect(clock.sleeps).toEqual([]);
  });

  it('sends nothing when the caller aborts between the grant and the attempt starting', async () => {
    const controller = new AbortController();
    const release = vi.fn();
    const grantThenAbort: AttemptPolicy = {
      admitMayWait: true,
      admit: async () => {
        await Promise.resolve();
        controller.abort();
        return { admitted: true, release };
      },
    };
    const pipeline = new ServerPipeline([grantThenAbort]);
    const { run } = setup({}, { signal: controller.signal, pipeline });
    await expect(run.beginAttempt()).rejects.toBeInstanceOf(McpAbortedError);
    expect(release).toHaveBeenCalledTimes(1);
    expect(run.attemptSignal?.aborted ?? true).toBe(true);
  });

  it('tells the pipeline one outcome per attempt it admitted, none for a joined handshake', async () => {
    const heard: string[] = [];
    const recorder: AttemptPolicy = {
      admit: () => ({ admitted: true }),
      onSuccess: () => void heard.push('success'),
      onFailure: (_attempt, error) => void heard.push(`failure ${error.status}`),
    };
    const { run } = setup({}, { pipeline: new ServerPipeline([recorder]) });
    // Another run's handshake failed: this run sent nothing of its own.
    run.recordFailure(new McpHttpError(503));
    await run.beginAttempt();
    run.recordFailure(new McpHttpError(502));
    run.recordFailure(new McpHttpError(504));
    await run.beginAttempt();
    run.recordSuccess();
    run.recordSuccess();
    await run.beginAttempt();
    run.endAttempt();
    run.recordFailure(new McpHttpError(500));
    expect(heard).toEqual(['failure 502', 'success']);
    expect(run.attempts.map((a) => a.status)).toEqual([503, 502, 504, 500]);
  });

  it('leaves no listener on a long-lived caller signal once attempts end', async () => {
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, 'addEventListener');
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const { run } = setup({}, { signal: controller.signal });
    for (let i = 0; i < 5; i += 1) await run.beginAttempt();
    run.endAttempt();
    expect(added).toHaveBeenCalledTimes(5);
    expect(removed.mock.calls.map((call) => call[1])).toEqual(
      added.mock.calls.map((call) => call[1]),
    );
  });

  it('records each failed attempt once, however many layers see it', () => {
    const { run } = setup();
    const failure = new McpHttpError(502);
    expect(run.recordFailure(failure).retryable).toBe(true);
    expect(run.recordFailure(failure).retryable).toBe(true);
    expect(run.attempts).toHaveLength(1);
    expect(run.attempts[0]).toMatchObject({
      status: 502,
      errorClass: 'http_502',
      message: 'HTTP 502',
    });
  });

  it('caps an attempt timeout at the remaining budget', async () => {
    vi.useFakeTimers();
    try {
      const { run } = setup({ totalTimeoutMs: 1000, requestTimeoutMs: 30_000 });
      const attempt = await run.beginAttempt();
      vi.advanceTimersByTime(999);
      expect(attempt.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(attempt.aborted).toBe(true);
      expect(attempt.reason).toBeInstanceOf(McpTimeoutError);
      expect((attempt.reason as McpTimeoutError).timeoutMs).toBe(1000);
      expect(run.explainAbort(new Error('canceled'))).toBe(attempt.reason);
      // An error that already says the request may have run (naming a task) is kept.
      const named = new McpDeliveryUnknownError('report', attempt.reason as McpTimeoutError, {
        taskId: 't-1',
      });
      expect(run.explainAbort(named)).toBe(named);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends a budget spent while a request not safe to repeat was out with delivery unknown', async () => {
    vi.useFakeTimers();
    try {
      const budget = { totalTimeoutMs: 1000, requestTimeoutMs: 30_000 };
      const finalError = async (safeToRepeat?: () => boolean): Promise<unknown> => {
        const { run } = setup(budget, { safeToRepeat });
        const attempt = await run.beginAttempt();
        vi.advanceTimersByTime(1000);
        return run.waitBeforeRetry(attempt.reason as McpTimeoutError).catch((e: unknown) => e);
      };
      expect(await finalError(() => false)).toMatchObject({ scope: 'budget', delivery: 'unknown' });
      // Safe to repeat, or not a tool call: the error stays as it was.
      expect(await finalError(() => true)).toMatchObject({ scope: 'budget', delivery: undefined });
      expect(await finalError()).toMatchObject({ scope: 'budget', delivery: undefined });

      const { run, clock } = setup(budget, { safeToRepeat: () => false });
      clock.advance(1000);
      const unsent = await run.beginAttempt().catch((e: unknown) => e);
      expect(unsent).toMatchObject({ scope: 'budget', delivery: 'not_delivered' });
      expect(await run.waitBeforeRetry(unsent as McpTimeoutError).catch((e: unknown) => e)).toBe(
        unsent,
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('bounds the wait for a pooled socket with McpSocketWaitError, not delivered and retried', async () => {
    vi.useFakeTimers();
    try {
      const { run } = setup({ requestTimeoutMs: 500 });
      const attempt = await run.beginAttempt({ awaitSocket: true });
      vi.advanceTimersByTime(499);
      expect(attempt.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(attempt.reason).toBeInstanceOf(McpSocketWaitError);
      expect(attempt.reason).toMatchObject({ waitedMs: 500, delivery: 'not_delivered' });
      expect(classifyError(attempt.reason, [])).toEqual({
        errorClass: 'socket_wait',
        retryable: true,
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts the attempt timeout when the request is written, not while it waits', async () => {
    vi.useFakeTimers();
    try {
      const { run } = setup({ requestTimeoutMs: 500 });
      const attempt = await run.beginAttempt({ awaitSocket: true });
      vi.advanceTimersByTime(400);
      run.requestWritten(attempt);
      vi.advanceTimersByTime(499);
      expect(attempt.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(attempt.reason).toBeInstanceOf(McpTimeoutError);
      expect((attempt.reason as McpTimeoutError).scope).toBe('attempt');
    } finally {
      vi.useRealTimers();
    }
  });

  it("ignores a late socket of an attempt that has ended (never restarts the next one's timer)", async () => {
    vi.useFakeTimers();
    try {
      const { run } = setup({ requestTimeoutMs: 500 });
      const first = await run.beginAttempt({ awaitSocket: true });
      const second = await run.beginAttempt();
      vi.advanceTimersByTime(400);
      run.requestWritten(first);
      vi.advanceTimersByTime(100);
      expect(second.reason).toBeInstanceOf(McpTimeoutError);
    } finally {
      vi.useRealTimers();
    }
  });

  it("pauses the attempt timeout while the client's handler answers, never past the budget", async () => {
    vi.useFakeTimers();
    try {
      const { run } = setup({ requestTimeoutMs: 500, totalTimeoutMs: 5_000 });
      const attempt = await run.beginAttempt();
      vi.advanceTimersByTime(400);
      const endFirst = run.waitOnClient();
      const endSecond = run.waitOnClient();
      vi.advanceTimersByTime(2_000);
      endFirst();
      endFirst();
      vi.advanceTimersByTime(1_000);
      expect(attempt.aborted).toBe(false);
      // The last handler's answer restarts the timeout: the server's answer is due from then.
      endSecond();
      vi.advanceTimersByTime(499);
      expect(attempt.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect((attempt.reason as McpTimeoutError).scope).toBe('attempt');

      // A handler that answers after its attempt ended starts no timer for it.
      const ended = setup({ requestTimeoutMs: 500, totalTimeoutMs: 5_000 }).run;
      const done = await ended.beginAttempt();
      const endLate = ended.waitOnClient();
      ended.endAttempt();
      endLate();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(1_000);
      expect(done.aborted).toBe(false);

      const budgeted = setup({ requestTimeoutMs: 500, totalTimeoutMs: 1_000 }).run;
      const paused = await budgeted.beginAttempt();
      budgeted.waitOnClient();
      vi.advanceTimersByTime(999);
      expect(paused.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect((paused.reason as McpTimeoutError).scope).toBe('budget');
    } finally {
      vi.useRealTimers();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { isMcpAbortedError } from '../errors/mcp-aborted.error.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { McpTimeoutError } from '../errors/mcp-timeout.error.js';
import { isRateLimitedError } from '../errors/rate-limited.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { DEFAULT_RATE_LIMIT, resolveResilience } from '../options/resilience-defaults.js';
import type { RateLimitOptions } from '../options/resilience-options.interface.js';
import type { Admission, AttemptInfo } from './attempt-policy.interface.js';
import { RateLimitPolicy, rateLimitPolicy } from './rate-limit.policy.js';

const ATTEMPT: AttemptInfo = { server: 's1', operation: 'call_tool' };
const THROTTLED = new McpHttpError(429);

function setup(rateLimit: Partial<RateLimitOptions> = {}) {
  const clock = new FakeClock(undefined, false);
  const events = new FastMcpEvents();
  const waited: number[] = [];
  const queued: number[] = [];
  events.on('ratelimit.waited', (e) => waited.push(e.waitedMs));
  events.on('bulkhead.queue', (e) => queued.push(e.queued));
  const options = { ...DEFAULT_RATE_LIMIT, ...rateLimit };
  const context = {
    server: 's1',
    options: { circuitBreaker: false as const, retryBudget: false as const, rateLimit: options },
    clock,
    events,
  };
  const policy = new RateLimitPolicy(context, options);
  /** Starts an admission and records how it settles. */
  const admit = (signal?: AbortSignal) => {
    const state: { admission?: Admission; error?: unknown } = {};
    policy.admit(ATTEMPT, signal).then(
      (admission) => (state.admission = admission),
      (error: unknown) => (state.error = error),
    );
    return state;
  };
  return { clock, events, waited, queued, policy, admit };
}

/** Lets every pending promise callback run (no time passes on the fake clock). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function released(state: { admission?: Admission }): () => void {
  const admission = state.admission;
  if (!admission?.admitted || !admission.release) throw new Error('not admitted');
  return admission.release;
}

describe('rateLimitPolicy', () => {
  it('is off unless rateLimit is set', () => {
    const off = { server: 's1', clock: new FakeClock(), events: new FastMcpEvents() };
    expect(rateLimitPolicy({ ...off, options: resolveResilience() })).toBeUndefined();
    const on = rateLimitPolicy({ ...off, options: resolveResilience({ rateLimit: {} }) });
    expect(on).toBeInstanceOf(RateLimitPolicy);
  });
});

describe('RateLimitPolicy', () => {
  it('caps attempts in flight and frees a slot once per release', async () => {
    const { admit, queued, waited } = setup({ maxConcurrent: 2, requestsPerSecond: 1000 });
    const [a1, a2, a3, a4] = [admit(), admit(), admit(), admit()];
    await flush();
    expect([a1, a2, a3, a4].map((a) => a.admission?.admitted)).toEqual([
      true,
      true,
      undefined,
      undefined,
    ]);
    expect(queued).toEqual([1, 2]);

    const release1 = released(a1);
    release1();
    release1();
    await flush();
    expect(a3.admission?.admitted).toBe(true);
    expect(a4.admission).toBeUndefined();

    released(a2)();
    await flush();
    expect(a4.admission?.admitted).toBe(true);
    expect(queued).toEqual([1, 2, 1, 0]);
    expect(waited).toEqual([]); // no time passed: waiting for a slot took 0 ms
  });

  it('lends a slot while handlers answer and takes it back once the last of them is done', async () => {
    const { admit } = setup({ maxConcurrent: 1, requestsPerSecond: 1000 });
    const outer = admit();
    await flush();
    const lend = (outer.admission as { lend: () => () => void }).lend;
    const [reclaim1, reclaim2] = [lend(), lend()];
    const nested = admit();
    await flush();
    expect(nested.admission?.admitted).toBe(true); // the lent slot

    reclaim1();
    reclaim1();
    released(nested)();
    const waiting = admit();
    await flush();
    expect(waiting.admission?.admitted).toBe(true); // still lent: the second handler runs

    reclaim2();
    released(waiting)();
    const blocked = admit();
    await flush();
    expect(blocked.admission).toBeUndefined(); // taken back: the outer attempt holds it again

    released(outer)();
    await flush();
    expect(blocked.admission?.admitted).toBe(true);
    released(blocked)();
    const lentAfterRelease = lend();
    lentAfterRelease(); // a handler that outlived its attempt takes nothing back
    const [x, y] = [admit(), admit()];
    await flush();
    expect([x.admission?.admitted, y.admission]).toEqual([true, undefined]);
  });

  it('a release while lent frees the slot once, and the late take-back holds nothing', async () => {
    const { admit } = setup({ maxConcurrent: 1, requestsPerSecond: 1000 });
    const outer = admit();
    await flush();
    const reclaim = (outer.admission as { lend: () => () => void }).lend();
    released(outer)();
    reclaim();
    const [x, y] = [admit(), admit()];
    await flush();
    expect([x.admission?.admitted, y.admission]).toEqual([true, undefined]);
  });

  it('spends the burst, then waits 1/rate per token on the clock', async () => {
    const { admit, clock, waited, queued } = setup({ requestsPerSecond: 10 });
    const attempts = Array.from({ length: 13 }, () => admit());
    await flush();
    expect(attempts.filter((a) => a.admission?.admitted)).toHaveLength(10);
    expect(clock.sleeps).toEqual([100]);

    clock.advance(99);
    await flush();
    expect(attempts[10]?.admission).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(attempts[10]?.admission?.admitted).toBe(true);
    clock.advance(100);
    await flush();
    clock.advance(100);
    await flush();

    expect(attempts.every((a) => a.admission?.admitted)).toBe(true);
    expect(clock.sleeps).toEqual([100, 100, 100]);
    expect(waited).toEqual([100, 200, 300]);
    expect(queued).toEqual([1, 2, 3, 2, 1, 0]);
  });

  it('serves waiters first come, first served', async () => {
    const { admit, clock } = setup({ requestsPerSecond: 1 });
    const [, a2] = [admit(), admit()];
    await flush();
    clock.advance(1000);
    const a3 = admit(); // arrives as the token is due, before the waiter's sleep ends
    await flush();
    expect(a2.admission?.admitted).toBe(true);
    expect(a3.admission).toBeUndefined();
  });

  it('refuses at once with RateLimitedError when the queue is full', async () => {
    const { admit, queued } = setup({ maxConcurrent: 1, maxQueue: 2, requestsPerSecond: 1000 });
    const [a1, , , a4] = [admit(), admit(), admit(), admit()];
    await flush();
    const refusal = a4.admission;
    expect(refusal?.admitted).toBe(false);
    if (refusal?.admitted !== false) return;
    expect(isRateLimitedError(refusal.error)).toBe(true);
    expect(refusal.error).toMatchObject({ server: 's1', delivery: 'not_delivered' });
    expect(queued).toEqual([1, 2]);

    released(a1)();
    const a5 = admit();
    await flush();
    expect(a5.admission).toBeUndefined(); // queued behind a3, not refused
    expect(queued).toEqual([1, 2, 1, 2]);
  });

  it('with maxQueue 0, refuses whenever no slot is free', async () => {
    const { admit } = setup({ maxConcurrent: 1, maxQueue: 0 });
    const [a1, a2] = [admit(), admit()];
    await flush();
    expect(a1.admission?.admitted).toBe(true);
    expect(a2.admission?.admitted).toBe(false);
  });

  it('rejects an attempt aborted while queued and keeps the queue right', async () => {
    const { admit, queued } = setup({ maxConcurrent: 1, requestsPerSecond: 1000 });
    const controller = new AbortController();
    const [a1, a2, a3] = [admit(), admit(controller.signal), admit()];
    await flush();
    controller.abort();
    await flush();
    expect(isMcpAbortedError(a2.error)).toBe(true);
    expect(queued).toEqual([1, 2, 1]);

    released(a1)();
    await flush();
    expect(a3.admission?.admitted).toBe(true);
    expect(queued).toEqual([1, 2, 1, 0]);
  });

  it('rejects a signal aborted before admission without taking a slot', async () => {
    const { admit } = setup({ maxConcurrent: 1 });
    const a1 = admit(AbortSignal.abort());
    const a2 = admit();
    await flush();
    expect(isMcpAbortedError(a1.error)).toBe(true);
    expect(a2.admission?.admitted).toBe(true);
  });

  it('stops the token sleep when the only waiter aborts, and spends no token for it', async () => {
    const { admit, clock, waited } = setup({ requestsPerSecond: 1 });
    const controller = new AbortController();
    const a1 = admit();
    const a2 = admit(controller.signal);
    await flush();
    expect(a1.admission?.admitted).toBe(true);
    expect(clock.pendingSleeps).toBe(1);
    controller.abort();
    await flush();
    expect(isMcpAbortedError(a2.error)).toBe(true);
    expect(clock.pendingSleeps).toBe(0);

    clock.advance(1000);
    const a3 = admit();
    await flush();
    expect(a3.admission?.admitted).toBe(true);
    expect(waited).toEqual([]);
  });

  it('halves the rate on a 429 storm down to the floor, and raises it back on successes', () => {
    const { policy } = setup({ requestsPerSecond: 100, minRequestsPerSecond: 1 });
    const down = Array.from({ length: 8 }, () => {
      policy.onFailure(ATTEMPT, THROTTLED);
      return policy.currentRate;
    });
    expect(down).toEqual([50, 25, 12.5, 6.25, 3.125, 1.5625, 1, 1]);

    const up = Array.from({ length: 21 }, () => {
      policy.onSuccess();
      return policy.currentRate;
    });
    expect(up).toEqual([...Array.from({ length: 19 }, (_, i) => 6 + 5 * i), 100, 100]);
  });

  it('halves the rate once for a burst of throttles sent at one rate, again for the next', async () => {
    const { policy, admit } = setup({ requestsPerSecond: 40 });
    const stampOf = (state: { admission?: Admission }): number | undefined =>
      state.admission?.admitted ? state.admission.stamp : undefined;
    const burst = [admit(), admit(), admit(), admit()];
    await flush();
    for (const sent of burst) policy.onFailure(ATTEMPT, THROTTLED, 'unknown', stampOf(sent));
    expect(policy.currentRate).toBe(20);

    const next = admit();
    await flush();
    policy.onFailure(ATTEMPT, THROTTLED, 'unknown', stampOf(next));
    policy.onFailure(ATTEMPT, THROTTLED, 'unknown', stampOf(burst[0] ?? {}));
    expect(policy.currentRate).toBe(10);
  });

  it('waits 1 s per token at the floor, and 10 ms again once the rate is back', async () => {
    const { policy, admit, clock, waited } = setup({ requestsPerSecond: 100 });
    for (let i = 0; i < 7; i++) policy.onFailure(ATTEMPT, THROTTLED);
    const [a1, a2] = [admit(), admit()];
    await flush();
    expect(a1.admission?.admitted).toBe(true);
    clock.advance(999);
    await flush();
    expect(a2.admission).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(a2.admission?.admitted).toBe(true);

    const a3 = admit();
    await flush();
    expect(clock.sleeps).toEqual([1000, 1000]);
    for (let i = 0; i < 20; i++) policy.onSuccess(); // back to 100/s while a3 waits
    await flush();
    expect(clock.sleeps.at(-1)).toBe(10);
    clock.advance(10);
    await flush();
    expect(a3.admission?.admitted).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
    expect(waited).toEqual([1000, 10]);
  });

  it('sleeps again for the new due time when the rate drops during a wait', async () => {
    const { policy, admit, clock, waited } = setup({ requestsPerSecond: 10 });
    const attempts = Array.from({ length: 11 }, () => admit());
    await flush();
    clock.advance(50); // half a token refilled at 10/s
    policy.onFailure(ATTEMPT, THROTTLED); // 5/s from now on: the other half takes 100 ms
    await flush();
    clock.advance(99);
    await flush();
    expect(attempts[10]?.admission).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(attempts[10]?.admission?.admitted).toBe(true);
    expect(clock.sleeps).toEqual([100, 100]);
    expect(waited).toEqual([150]);
  });

  it('takes a 503 with Retry-After as throttling, other failures not, and adapts only when adaptive', () => {
    const adaptive = setup({ requestsPerSecond: 40 }).policy;
    adaptive.onFailure(ATTEMPT, new McpHttpError(503));
    adaptive.onFailure(ATTEMPT, new McpTimeoutError('attempt', 1000));
    // Retry-After on a status that is not retried for it (a 413) says nothing about the rate.
    adaptive.onFailure(ATTEMPT, new McpHttpError(413, { retryAfterMs: 2000 }));
    expect(adaptive.currentRate).toBe(40);
    adaptive.onFailure(ATTEMPT, new McpHttpError(503, { retryAfterMs: 2000 }));
    expect(adaptive.currentRate).toBe(20);

    const fixed = setup({ requestsPerSecond: 40, adaptive: false }).policy;
    fixed.onFailure(ATTEMPT, THROTTLED);
    expect(fixed.currentRate).toBe(40);
  });

  it('names the server in its events', async () => {
    const { events, admit, clock } = setup({ requestsPerSecond: 1 });
    const seen: unknown[] = [];
    events.on('ratelimit.waited', (e) => seen.push(e));
    events.on('bulkhead.queue', (e) => seen.push(e));
    const [, a2] = [admit(), admit()];
    await flush();
    clock.advance(1000);
    await flush();
    expect(a2.admission?.admitted).toBe(true);
    expect(seen).toEqual([
      { server: 's1', queued: 1 },
      { server: 's1', queued: 0 },
      { server: 's1', waitedMs: 1000 },
    ]);
  });
});

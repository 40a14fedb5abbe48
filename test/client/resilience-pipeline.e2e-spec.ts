import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CircuitOpenError,
  type FastMcpModuleOptions,
  isCircuitOpenError,
  isMcpHttpError,
  isMcpTimeoutError,
  isRateLimitedError,
  isRetryExhaustedError,
  type ResilienceOptions,
} from '@app/fastmcp';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { type Fault, faults, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { type PipelineTestApp, startPipelineApp } from '../support/pipeline-test-app.js';

/** Long enough that an open circuit never half-opens during a test, however slow the machine. */
const OPEN_FOR_GOOD_MS = 60_000;
/** Short, for the tests that wait for the half-open probe. */
const OPEN_MS = 300;

let server: CountingToolsServer;
let proxy: FaultProxy;
const apps: PipelineTestApp[] = [];

beforeAll(async () => {
  server = await startCountingToolsServer();
  proxy = await startFaultProxy(server.url);
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  proxy.clear();
  proxy.clearRequests();
  server.reset();
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

/** An app whose server `s` (and `calm`, for controls) goes through the proxy, connected. */
async function connectedApp(
  resilience: ResilienceOptions,
  options: Omit<FastMcpModuleOptions, 'servers'> = {},
  ids: string[] = ['s'],
): Promise<PipelineTestApp> {
  // Pinned to the 2025 era: each test counts what the pipeline admits from the connect on, and
  // at 1 request/s a server/discover probe would spend a rate-limit token of its own.
  const server = { url: proxy.url, resilience, protocolVersion: '2025-11-25' };
  const servers = Object.fromEntries(ids.map((id) => [id, server]));
  const app = await startPipelineApp({ ...options, servers });
  apps.push(app);
  for (const id of ids) await app.client.connectWithRetry(id);
  proxy.clearRequests();
  return app;
}

const toolCallsSeen = (): number =>
  proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call').length;
const failTools = (fault: Fault, times: number): void =>
  void proxy.inject({ match: { method: 'tools/call' }, fault, times });
const lookup = (app: PipelineTestApp, id: string, clientId = 's'): Promise<unknown> =>
  app.client.callToolWithRetry(clientId, 'lookup', { id }).catch((error: unknown) => error);
const sleepUntil = (epochMs: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, epochMs - Date.now()) + 30));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const text = (result: unknown): unknown =>
  (result as { content?: Array<{ text?: string }> }).content?.[0]?.text;

describe('circuit breaker', () => {
  it('opens after N 5xx in a row, then fails fast: nothing reaches the proxy, each call is dead-lettered as circuit_open', async () => {
    const app = await connectedApp(
      { circuitBreaker: { consecutiveFailures: 3, openMs: OPEN_FOR_GOOD_MS } },
      { retry: { maxRetries: 5 } },
    );
    failTools(faults.status(503), 100);

    const first = await lookup(app, 'first');
    // Three attempts got 503; the third opened the circuit, so the third retry was refused.
    expect(first).toBeInstanceOf(CircuitOpenError);
    expect(toolCallsSeen()).toBe(3);
    expect(app.retries).toHaveLength(3);
    expect((first as CircuitOpenError).server).toBe('s');
    expect((first as CircuitOpenError).retryAt).toBeGreaterThan(Date.now() + 50_000);

    const requestsBefore = proxy.requests.length;
    const fast = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => lookup(app, id)));
    expect(fast.every(isCircuitOpenError)).toBe(true);
    expect(proxy.requests.length).toBe(requestsBefore);
    expect(server.executions('lookup')).toBe(0);
    expect(app.retries).toHaveLength(3);

    expect(app.transitions).toEqual([{ server: 's', from: 'closed', to: 'open' }]);
    expect(app.pipelines.circuitStates()).toEqual({ s: 'open' });
    expect(await app.metric('fastmcp_circuit_state', { server: 's' })).toBe(2);
    expect(await app.metric('fastmcp_circuit_transitions_total', { server: 's', to: 'open' })).toBe(
      1,
    );
    expect(await app.metric('fastmcp_circuit_transitions_total', { server: 's' })).toBe(1);

    const { items } = await app.dlq.list({ limit: 50 });
    expect(items).toHaveLength(6);
    expect(items.every((entry) => entry.errorClass === 'circuit_open')).toBe(true);
    const firstEntry = items.find((entry) => entry.arguments?.id === 'first');
    expect(firstEntry).toMatchObject({ clientId: 's', toolName: 'lookup', retryCount: 3 });
    expect(firstEntry?.attempts.slice(0, 3).map((a) => a.errorClass)).toEqual([
      'http_503',
      'http_503',
      'http_503',
    ]);
    expect(items.filter((entry) => entry.retryCount === 0)).toHaveLength(5);
  });

  it('a timeout that opens the circuit ends the call CircuitOpenError at its next retry, not the timeout again', async () => {
    const app = await connectedApp(
      { circuitBreaker: { consecutiveFailures: 1, openMs: OPEN_FOR_GOOD_MS } },
      { retry: { maxRetries: 3, requestTimeoutMs: 300, ambiguousToolCalls: 'always' } },
    );
    failTools(faults.hang(), 1);
    const error = await lookup(app, 'slow');
    proxy.releaseHung();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(toolCallsSeen()).toBe(1);
    expect(app.retries.map((retry) => retry.reason)).toEqual(['timeout']);
    const [entry] = (await app.dlq.list()).items;
    expect(entry).toMatchObject({ errorClass: 'circuit_open', retryCount: 1 });
  });

  it('after openMs lets a probe through: a failed probe opens it again, a good one closes it', async () => {
    const app = await connectedApp(
      { circuitBreaker: { consecutiveFailures: 2, openMs: OPEN_MS } },
      { retry: { maxRetries: 5 } },
    );
    failTools(faults.status(503), 3);

    const opened = await lookup(app, 'opens');
    expect(opened).toBeInstanceOf(CircuitOpenError);
    expect(toolCallsSeen()).toBe(2);

    await sleepUntil((opened as CircuitOpenError).retryAt);
    // The probe gets the third 503: open again, and the call's retry is refused.
    const reopened = await lookup(app, 'probe-fails');
    expect(reopened).toBeInstanceOf(CircuitOpenError);
    expect(toolCallsSeen()).toBe(3);
    expect((reopened as CircuitOpenError).retryAt).toBeGreaterThan(
      (opened as CircuitOpenError).retryAt,
    );

    await sleepUntil((reopened as CircuitOpenError).retryAt);
    expect(text(await lookup(app, 'probe-passes'))).toBe('probe-passes');
    expect(toolCallsSeen()).toBe(4);
    expect(text(await lookup(app, 'closed'))).toBe('closed');
    expect(server.executions('lookup')).toBe(2);

    expect(app.transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      'closed>open',
      'open>half_open',
      'half_open>open',
      'open>half_open',
      'half_open>closed',
    ]);
    expect(app.pipelines.circuitStates()).toEqual({ s: 'closed' });
    expect(await app.metric('fastmcp_circuit_state', { server: 's' })).toBe(0);
    const transitions = async (to: string) =>
      app.metric('fastmcp_circuit_transitions_total', { server: 's', to });
    expect([await transitions('open'), await transitions('half_open')]).toEqual([2, 2]);
    expect(await transitions('closed')).toBe(1);
  });

  it('dead-letters no CircuitOpenError when dlq.storeKinds leaves circuit_open out', async () => {
    const app = await connectedApp(
      { circuitBreaker: { consecutiveFailures: 2, openMs: OPEN_FOR_GOOD_MS } },
      { retry: { maxRetries: 0 }, dlq: { storeKinds: ['retries_exhausted', 'http'] } },
    );
    failTools(faults.status(503), 2);
    expect(isRetryExhaustedError(await lookup(app, 'one'))).toBe(true);
    expect(isRetryExhaustedError(await lookup(app, 'two'))).toBe(true);
    expect(isCircuitOpenError(await lookup(app, 'three'))).toBe(true);
    expect(isCircuitOpenError(await lookup(app, 'four'))).toBe(true);

    const { items } = await app.dlq.list({ limit: 50 });
    expect(items.map((entry) => entry.arguments?.id).sort()).toEqual(['one', 'two']);
    expect(items.map((entry) => entry.errorClass)).toEqual(['http_503', 'http_503']);
  });

  it('4xx answers and isError results never open it; two 5xx then do', async () => {
    const app = await connectedApp(
      { circuitBreaker: { consecutiveFailures: 2, openMs: OPEN_FOR_GOOD_MS } },
      { retry: { maxRetries: 0 } },
    );
    const statuses = [400, 403, 409, 422, 429, 400, 413];
    for (const code of statuses) {
      failTools(faults.status(code), 1);
      const error = await lookup(app, `status-${code}`);
      const last = isRetryExhaustedError(error) ? error.lastError : error;
      expect(isMcpHttpError(last) && last.status).toBe(code);
    }
    const unknownTool = await app.client.callToolWithRetry('s', 'nope', {});
    const badArguments = await app.client.callToolWithRetry('s', 'lookup', { id: 5 });
    expect([unknownTool.isError, badArguments.isError]).toEqual([true, true]);
    expect(toolCallsSeen()).toBe(statuses.length + 2);
    expect(app.transitions).toEqual([]);
    expect(app.pipelines.circuitStates()).toEqual({});
    expect(text(await lookup(app, 'still-closed'))).toBe('still-closed');

    failTools(faults.status(502), 2);
    await lookup(app, 'five-oh-two');
    await lookup(app, 'five-oh-two-again');
    expect(app.transitions).toEqual([{ server: 's', from: 'closed', to: 'open' }]);
  });

  // A probe ending neither in success nor in a counted failure (a 4xx, an abort, a refusal by a
  // later policy) must not keep its probe slot, or the circuit would refuse every call for good.
  it('a probe answered with a 4xx gives its slot back, and the next call probes again', async () => {
    const app = await connectedApp(
      { circuitBreaker: { consecutiveFailures: 2, openMs: OPEN_MS } },
      { retry: { maxRetries: 0 } },
    );
    failTools(faults.status(503), 2);
    await lookup(app, 'one');
    await lookup(app, 'two');
    const refused = await lookup(app, 'refused');
    expect(refused).toBeInstanceOf(CircuitOpenError);

    await sleepUntil((refused as CircuitOpenError).retryAt);
    failTools(faults.status(400), 1);
    const probe = await lookup(app, 'probe-400');
    const last = isRetryExhaustedError(probe) ? probe.lastError : probe;
    expect(isMcpHttpError(last) && last.status).toBe(400);

    await sleep(OPEN_MS + 50);
    // Expected: the next call probes again and closes the circuit. Today: CircuitOpenError.
    expect(text(await lookup(app, 'after'))).toBe('after');
    expect(app.pipelines.circuitStates()).toEqual({ s: 'closed' });
  });

  it('turns half-open after openMs with no call: circuitStates(), the gauge and the events say so', async () => {
    const app = await connectedApp(
      { circuitBreaker: { consecutiveFailures: 2, openMs: OPEN_MS } },
      { retry: { maxRetries: 5 } },
    );
    failTools(faults.status(503), 2);
    const opened = await lookup(app, 'opens');
    expect(opened).toBeInstanceOf(CircuitOpenError);
    expect(app.pipelines.circuitStates()).toEqual({ s: 'open' });

    await sleepUntil((opened as CircuitOpenError).retryAt);
    expect(app.transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      'closed>open',
      'open>half_open',
    ]);
    expect(app.pipelines.circuitStates()).toEqual({ s: 'half_open' });
    expect(await app.metric('fastmcp_circuit_state', { server: 's' })).toBe(1);
    expect(toolCallsSeen()).toBe(2);

    expect(text(await lookup(app, 'probe'))).toBe('probe');
    expect(app.pipelines.circuitStates()).toEqual({ s: 'closed' });
    expect(app.transitions).toHaveLength(3);
  });

  // Attempts admitted before the circuit opened may end while the probe is out; only the
  // probe's outcome may move the circuit.
  it('calls that join one failed handshake count as one failure, not one each', async () => {
    const app = await startPipelineApp({
      servers: {
        s: {
          url: proxy.url,
          resilience: { circuitBreaker: { consecutiveFailures: 3, openMs: OPEN_FOR_GOOD_MS } },
          protocolVersion: '2025-11-25',
        },
      },
      retry: { maxRetries: 0 },
    });
    apps.push(app);
    const initializes = (): number =>
      proxy.requests.filter((r) => r.jsonRpcMethod === 'initialize').length;
    proxy.inject({ match: { method: 'initialize' }, fault: faults.hang() });
    const calls = ['a', 'b', 'c', 'd', 'e'].map((id) => lookup(app, id));
    await vi.waitUntil(() => initializes() === 1, { timeout: 5000 });
    await sleep(50);
    proxy.releaseHung();

    const failures = await Promise.all(calls);
    expect(failures.every((error) => error instanceof Error)).toBe(true);
    expect(failures.some(isCircuitOpenError)).toBe(false);
    expect(initializes()).toBe(1);
    expect(app.transitions).toEqual([]);
    expect(text(await lookup(app, 'after'))).toBe('after');
  });

  it("a probe's success closes the circuit though an older attempt failed while it was out", async () => {
    const app = await connectedApp(
      { circuitBreaker: { consecutiveFailures: 1, openMs: OPEN_MS } },
      { retry: { maxRetries: 0 } },
    );
    proxy.inject({ match: { toolName: 'upsert' }, fault: faults.hang() });
    const stale = app.client
      .callToolWithRetry('s', 'upsert', { id: 'stale' })
      .catch((error: unknown) => error);
    await vi.waitUntil(() => toolCallsSeen() === 1, { timeout: 5000 });
    failTools(faults.status(503), 1);
    await lookup(app, 'opens');
    expect(app.pipelines.circuitStates()).toEqual({ s: 'open' });

    await sleep(OPEN_MS + 30);
    server.slowNext('lookup', 1000);
    const probe = lookup(app, 'probe');
    await vi.waitUntil(() => toolCallsSeen() === 3, { timeout: 5000 });
    proxy.releaseHung();
    // A transport failure counts against the server, but this attempt was admitted while closed.
    expect(await stale).toMatchObject({ cause: { failure: 'network' } });
    expect(app.pipelines.circuitStates()).toEqual({ s: 'half_open' });

    expect(text(await probe)).toBe('probe');
    expect(app.pipelines.circuitStates()).toEqual({ s: 'closed' });
    expect(text(await lookup(app, 'after'))).toBe('after');
    expect(app.transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      'closed>open',
      'open>half_open',
      'half_open>closed',
    ]);
  });
});

interface StormCase {
  name: string;
  fault: Fault;
}

const STORMS: StormCase[] = [
  { name: '429 without Retry-After', fault: faults.status(429) },
  { name: '429 with Retry-After: 1', fault: faults.status(429, { retryAfter: 1 }) },
  { name: '503 with Retry-After: 1', fault: faults.status(503, { retryAfter: 1 }) },
];
const STORM_CALLS = 30;
const AFTER_STORM_CALLS = 60;
const BUDGET = { ratio: 0.1, minPerSecond: 1 };
/** The retry budget's starting reserve: ten seconds of minPerSecond. */
const BUDGET_RESERVE = 10;

describe.each(STORMS)('a storm of $name, rate limit and retry budget on', ({ fault }) => {
  // 8 to 11 s on an idle machine, up to 20 s under load: a minute's timeout.
  it('lowers the allowed rate and keeps retries within the budget', async () => {
    const started = Date.now();
    const app = await connectedApp(
      {
        rateLimit: { requestsPerSecond: 200, maxConcurrent: 64, minRequestsPerSecond: 20 },
        retryBudget: BUDGET,
      },
      // No attempt times out however loaded the machine: every retry is one the storm caused.
      { retry: { maxRetries: 3, requestTimeoutMs: 15_000 } },
      ['s', 'calm'],
    );
    failTools(fault, 10_000);
    const storm = await Promise.all(
      Array.from({ length: STORM_CALLS }, (_, i) => lookup(app, `storm-${i}`)),
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    const sent = toolCallsSeen();
    const retries = sent - STORM_CALLS;

    // Every retry the proxy saw was scheduled, and fewer than maxRetries would allow.
    expect(retries).toBe(app.retries.length);
    expect(retries).toBeLessThan(STORM_CALLS * 3);
    // The budget's bound: its reserve, `ratio` of every attempt admitted (the connect's
    // initialize included) and `minPerSecond` for every second it has existed.
    const admitted = sent + 1;
    expect(retries).toBeLessThanOrEqual(
      BUDGET_RESERVE + BUDGET.ratio * admitted + BUDGET.minPerSecond * elapsedSeconds,
    );
    expect(app.budgetExhausted.length).toBeGreaterThan(0);
    expect(app.budgetExhausted.every((e) => e.server === 's')).toBe(true);
    expect(await app.metric('fastmcp_retry_budget_exhausted_total', { server: 's' })).toBe(
      app.budgetExhausted.length,
    );
    // A vetoed retry leaves the original error final; the others ran out of retries.
    const vetoed = storm.filter((error) => isMcpHttpError(error));
    expect(vetoed).toHaveLength(app.budgetExhausted.length);
    expect(storm.filter(isRetryExhaustedError)).toHaveLength(STORM_CALLS - vetoed.length);

    // After the storm, the same burst waits for the lowered rate; on a calm server it does not.
    proxy.clear();
    const burst = (clientId: string) =>
      Promise.all(
        Array.from({ length: AFTER_STORM_CALLS }, (_, i) =>
          app.client.callToolWithRetry(clientId, 'lookup', { id: `${clientId}-${i}` }),
        ),
      );
    await burst('calm');
    expect(app.rateLimitWaits.filter((w) => w.server === 'calm')).toEqual([]);
    expect(await app.metric('fastmcp_ratelimit_wait_seconds_count', { server: 'calm' })).toBe(0);
    await burst('s');
    const waits = app.rateLimitWaits.filter((w) => w.server === 's');
    expect(waits.length).toBeGreaterThan(0);
    expect(await app.metric('fastmcp_ratelimit_wait_seconds_count', { server: 's' })).toBe(
      waits.length,
    );
  }, 60_000);
});

describe('rate limit queue (bulkhead)', () => {
  /** Starts a slow lookup and resolves once the proxy has seen it (it holds the only slot). */
  async function holdTheSlot(app: PipelineTestApp, ms: number) {
    server.slowNext('lookup', ms);
    let settled = false;
    const call = lookup(app, 'slow').finally(() => (settled = true));
    while (toolCallsSeen() === 0) await sleep(5);
    return { call, settled: () => settled };
  }

  it('full (maxConcurrent 1, maxQueue 0): fails fast with RateLimitedError, sends nothing, retries nothing', async () => {
    const app = await connectedApp({
      rateLimit: { maxConcurrent: 1, maxQueue: 0, requestsPerSecond: 1000 },
    });
    const slow = await holdTheSlot(app, 1000);

    const refused = await lookup(app, 'refused');
    expect(isRateLimitedError(refused)).toBe(true);
    expect(slow.settled()).toBe(false);
    expect(toolCallsSeen()).toBe(1);
    expect(app.retries).toEqual([]);
    const { items } = await app.dlq.list();
    expect(items).toMatchObject([{ errorClass: 'rate_limited', arguments: { id: 'refused' } }]);

    expect(text(await slow.call)).toBe('slow');
    expect(text(await lookup(app, 'after'))).toBe('after');
    expect(toolCallsSeen()).toBe(2);
  });

  it('maxQueue 1: one call waits its turn (fastmcp_bulkhead_queue 1), the next fails fast', async () => {
    const app = await connectedApp({
      rateLimit: { maxConcurrent: 1, maxQueue: 1, requestsPerSecond: 1000 },
    });
    const slow = await holdTheSlot(app, 500);
    const queued = lookup(app, 'queued');
    while ((await app.metric('fastmcp_bulkhead_queue', { server: 's' })) === 0) await sleep(5);

    expect(isRateLimitedError(await lookup(app, 'refused'))).toBe(true);
    expect(toolCallsSeen()).toBe(1);
    expect(text(await queued)).toBe('queued');
    expect(slow.settled()).toBe(true);
    expect(proxy.requests.map((r) => r.toolName)).toEqual(['lookup', 'lookup']);
    expect(await app.metric('fastmcp_bulkhead_queue', { server: 's' })).toBe(0);
    expect(app.rateLimitWaits.length).toBe(1);
  });

  // An attempt waiting in the queue stops at the call's deadline: at 1 request/s, three calls
  // with a 500 ms budget all end well before the third token would be due.
  it('a call waiting for the rate limit ends at its total budget', async () => {
    const app = await connectedApp(
      { rateLimit: { requestsPerSecond: 1, maxConcurrent: 8, maxQueue: 100 } },
      { retry: { maxRetries: 0, totalTimeoutMs: 500, requestTimeoutMs: 500 } },
    );
    const outcomes = await Promise.all(['a', 'b', 'c'].map((id) => lookup(app, id)));
    // At most one token in the budget: the others end at the deadline, never sent (the one sent
    // may end there too, on a loaded machine, before its answer came).
    const budgetEnded = outcomes.filter(
      (outcome) => isMcpTimeoutError(outcome) && outcome.scope === 'budget',
    );
    expect(toolCallsSeen()).toBeLessThanOrEqual(1);
    expect(budgetEnded.length).toBeGreaterThanOrEqual(outcomes.length - toolCallsSeen());
  });
});

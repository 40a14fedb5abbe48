import type { ResilienceOptions } from '@app/fastmcp';

/** Probability that a POST to the MCP server gets this fault (the scheduler's rates). */
export interface FaultRates {
  /** A burst of 1 to 3 consecutive HTTP 503s. */
  burst503: number;
  /** HTTP 429 with `Retry-After: 1`. */
  status429: number;
  /** TCP reset without an answer. */
  reset: number;
  /** No answer at all: the attempt times out (requestTimeoutMs). */
  hang: number;
  /** The SSE answer starts, then the connection is cut. */
  cutStream: number;
  /** HTTP 404 "Session not found", as from a server that lost the session. */
  dropSession: number;
  /** The server runs the request, then the proxy answers 502 or 504, or cuts the stream. */
  lostAnswer: number;
}

export interface SoakOptions {
  /** How long callers start new operations, in seconds. Default 60. */
  seconds: number;
  /** Concurrent callers of echo, each with its own client id, one at a time. Default 16. */
  concurrency: number;
  /**
   * Concurrent callers of the non-idempotent `pay` (a counting server in this process, behind
   * its own fault proxy), besides the echo callers. Default: a quarter of `concurrency`, at least 1.
   */
  payConcurrency: number;
  rates: FaultRates;
  /** The module's retry policy: short, so that some operations fail for good. */
  retry: {
    maxRetries: number;
    requestTimeoutMs: number;
    totalTimeoutMs: number;
    initialDelayMs: number;
    maxDelayMs: number;
  };
  /**
   * The module-level resilience pipeline of every client id: by default a circuit breaker that
   * opens after 3 counted failures in a row for 1 s, and a retry budget of 10 % of attempts plus
   * 1 retry a second (tighter than the module's default, so that it vetoes some retries).
   */
  resilience: ResilienceOptions;
  /** Redis stop/start cycles during the run (at least 2). Default: one per 20 s, at least 2. */
  redisOutages: number;
  /** How long each Redis outage lasts, in ms. Default: a tenth of the run, at most 3000. */
  redisOutageMs: number;
  /** How often the server itself drops every session, in ms. Default 5000. */
  serverDropEveryMs: number;
  /** Allowed lateness past totalTimeoutMs (timers on a loaded machine), in ms. Default 300. */
  budgetSlackMs: number;
  /** Largest allowed heapUsed growth (after GC) from start to end, in MiB. Default 64. */
  heapGrowthBoundMiB: number;
  /** How long to wait for the DLQ's write buffer to drain at the end, in ms. Default 30000. */
  flushTimeoutMs: number;
  /** Progress lines (stderr in the CLI). */
  log: (line: string) => void;
}

export const DEFAULT_FAULT_RATES: FaultRates = {
  burst503: 0.04,
  status429: 0.01,
  reset: 0.02,
  hang: 0.01,
  cutStream: 0.02,
  dropSession: 0.02,
  lostAnswer: 0.02,
};

/** Defaults for a run of `seconds`, with `overrides` applied. */
export function soakOptions(overrides: Partial<SoakOptions> = {}): SoakOptions {
  const seconds = overrides.seconds ?? 60;
  const concurrency = overrides.concurrency ?? 16;
  return {
    seconds,
    concurrency,
    payConcurrency: Math.max(1, Math.floor(concurrency / 4)),
    rates: DEFAULT_FAULT_RATES,
    retry: {
      maxRetries: 2,
      requestTimeoutMs: 500,
      totalTimeoutMs: 3000,
      initialDelayMs: 50,
      maxDelayMs: 400,
    },
    resilience: {
      circuitBreaker: { consecutiveFailures: 3, openMs: 1000 },
      retryBudget: { ratio: 0.1, minPerSecond: 1 },
    },
    redisOutages: Math.max(2, Math.floor(seconds / 20)),
    redisOutageMs: Math.min(3000, seconds * 100),
    serverDropEveryMs: 5000,
    budgetSlackMs: 300,
    heapGrowthBoundMiB: 64,
    flushTimeoutMs: 30_000,
    log: () => undefined,
    ...overrides,
  };
}

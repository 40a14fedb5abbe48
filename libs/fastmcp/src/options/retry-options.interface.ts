import type { OperationName } from '../events/operation-name.js';

export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  maxRetries: number;
  /** Delay before the first retry, in ms (0..2147483647). Default 100. */
  initialDelayMs: number;
  /** Growth of the delay from one retry to the next. Default 2. */
  multiplier: number;
  /** Cap on one delay, in ms, before jitter (`initialDelayMs`..2147483647). Default 30000. */
  maxDelayMs: number;
  /** Random spread of each delay, as a fraction: 0.1 is +/-10 %. Default 0.1. */
  jitter: number;
  /**
   * Budget of the whole call, retries and waits included, in ms (1..2147483647).
   * Default 300000.
   */
  totalTimeoutMs: number;
  /**
   * Timeout of one attempt, in ms (never past the remaining budget; 1..2147483647).
   * Default 30000.
   */
  requestTimeoutMs: number;
  /** HTTP statuses that are retried. Default [429, 500, 502, 503, 504]. */
  retryableStatusCodes: number[];
  /**
   * Statuses that prove the server refused the request without running it (a server's or a
   * proxy's refusal), so any call may be sent again. Default [429, 503].
   */
  notDeliveredStatusCodes: number[];
  /**
   * `tools/call` after a failure that may have reached the server (a timeout or cut stream after
   * the request was written, 500, 502, 504): `when-safe` re-sends only a tool known to be safe to
   * repeat (see `servers.X.tools` and `trustToolAnnotations`) and otherwise fails with
   * McpDeliveryUnknownError; `always` re-sends every tool (for tools that are all idempotent).
   * Default `when-safe`.
   */
  ambiguousToolCalls: 'when-safe' | 'always';
}

/** Overrides of the retry policy for one kind of operation. */
export type OperationRetryOverrides = Partial<Record<OperationName, Partial<RetryOptions>>>;

/**
 * A retry policy as configured: any fields of RetryOptions, plus `operations` to override them
 * per operation (`connect`, `list_tools`, `call_tool`) beneath a call's own `opts.retry`.
 */
export interface RetryOptionsInput extends Partial<RetryOptions> {
  /** Per-operation overrides, over this level's policy. Default: none. */
  operations?: OperationRetryOverrides;
}

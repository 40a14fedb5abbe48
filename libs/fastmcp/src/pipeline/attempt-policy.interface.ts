import type { Delivery, FastMcpError } from '../errors/fastmcp.error.js';
import type { OperationName } from '../events/operation-name.js';

/** One HTTP attempt, as the policies see it. */
export interface AttemptInfo {
  /** The client id, which names the server (the `server` label of the pipeline's metrics). */
  server: string;
  operation: OperationName;
}

/**
 * A policy's answer before an attempt: go (and what to undo when it ends), or fail fast. `stamp`
 * comes back to the policy with the attempt's outcome, so it can tell a late outcome (of an
 * attempt admitted in an earlier state) from a current one. `lend` gives up what the attempt
 * holds while it waits on the client rather than the server (a handler answering the server's
 * request); it returns the function that takes it back.
 */
export type Admission =
  | { admitted: true; release?: () => void; lend?: () => () => void; stamp?: number }
  | { admitted: false; error: FastMcpError };

/** A policy's answer before a retry is scheduled. */
export type RetryVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * One concern of the per-server attempt pipeline (a circuit breaker, a retry budget, a rate
 * limit...). Every hook is optional; decisions are returned as values. A new policy is one file
 * implementing this, plus one line in `policy-registry.ts`.
 */
export interface AttemptPolicy {
  /** Before an attempt goes out: admit it, perhaps after a wait, or fail it fast. */
  admit?(attempt: AttemptInfo, signal?: AbortSignal): Admission | Promise<Admission>;
  /** True when `admit` may wait (a rate limit): only then does it get a bounded signal. */
  readonly admitMayWait?: boolean;
  /**
   * The attempt got an answer (an `isError` tool result is an answer). `stamp` is the one this
   * policy admitted it with; absent when it did not admit it.
   */
  onSuccess?(attempt: AttemptInfo, stamp?: number): void;
  /** The attempt failed; `delivery` says whether it may have reached the server. */
  onFailure?(attempt: AttemptInfo, error: FastMcpError, delivery: Delivery, stamp?: number): void;
  /** Before a retry is scheduled: allow it or veto it (the original error is then final). */
  allowRetry?(attempt: AttemptInfo): RetryVerdict;
  /** Stops what the policy runs on its own (timers); called once, at shutdown. */
  dispose?(): void;
}

import type { FastMcpError } from '../errors/fastmcp.error.js';
import type { AttemptInfo } from '../pipeline/attempt-policy.interface.js';
import type { ServerPipeline } from '../pipeline/server-pipeline.js';
import type { AbortHandle } from './abort-handle.js';
import type { Clock } from './clock.js';
import { NOT_SENT, type RetryRunErrors } from './retry-run-errors.js';

/** What bounds a call's work between its attempts: its deadline, the caller's abort. */
export interface CallBounds {
  deadline: number;
  clock: Clock;
  stop: AbortHandle;
  errors: RetryRunErrors;
}

/** Waits for the server's pipeline to admit an attempt, never past the call's budget. */
export async function admitWithinBudget(
  pipeline: ServerPipeline,
  attempt: AttemptInfo,
  { deadline, clock, stop, errors }: CallBounds,
): Promise<() => void> {
  // Nothing may wait: no timer, no signal.
  if (!pipeline.admitMayWait) return await pipeline.admit(attempt);
  const timeUp = new AbortController();
  const timer = setTimeout(() => timeUp.abort(), deadline - clock.now());
  const signal = AbortSignal.any([stop.signal, timeUp.signal]);
  try {
    return await pipeline.admit(attempt, signal);
  } catch (error) {
    if (stop.aborted) throw errors.aborted();
    if (timeUp.signal.aborted) throw errors.budget(error, NOT_SENT);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs work of the call outside its attempts (the OAuth flow) under a signal that aborts when
 * the caller aborts or the budget runs out. Cut short, it fails as the call does (McpAbortedError,
 * or the budget's McpTimeoutError, the request not sent), never with the work's own error.
 */
export async function runOutsideAttempt<T>(
  work: (signal: AbortSignal) => Promise<T>,
  { deadline, clock, stop, errors }: CallBounds,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(errors.budget(undefined, NOT_SENT)),
    Math.max(deadline - clock.now(), 0),
  );
  const onAbort = (): void => controller.abort(errors.aborted());
  stop.addEventListener('abort', onAbort);
  if (stop.aborted) onAbort();
  try {
    return await work(controller.signal);
  } catch (error) {
    throw controller.signal.aborted ? (controller.signal.reason as FastMcpError) : error;
  } finally {
    clearTimeout(timer);
    stop.removeEventListener('abort', onAbort);
  }
}

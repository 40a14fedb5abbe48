import type { AttemptRecord } from '../dlq/core/failed-operation.interface.js';
import { type Delivery, type FastMcpError, isFastMcpError } from '../errors/fastmcp.error.js';
import { McpDeliveryUnknownError } from '../errors/mcp-delivery-unknown.error.js';
import { McpAbortedError } from '../errors/mcp-aborted.error.js';
import {
  isMcpResponseTooLargeError,
  McpResponseTooLargeError,
} from '../errors/mcp-response-too-large.error.js';
import { McpSocketWaitError } from '../errors/mcp-socket-wait.error.js';
import { isMcpTimeoutError, McpTimeoutError } from '../errors/mcp-timeout.error.js';
import { RetryExhaustedError } from '../errors/retry-exhausted.error.js';
import type { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { OperationName } from '../events/operation-name.js';
import type { RetryOptions } from '../options/retry-options.interface.js';
import { AttemptTimer } from './attempt-timer.js';
import { calculateBackoffWithJitter } from './backoff.js';
import { classifyError, type ErrorClassification } from './classify-error.js';
import type { Clock } from './clock.js';
import { deliveryOf } from './delivery.js';
import type { AttemptInfo } from '../pipeline/attempt-policy.interface.js';
import { OPEN_PIPELINE, type ServerPipeline } from '../pipeline/server-pipeline.js';
import type { OperationTrace } from '../tracing/operation-tracer.interface.js';

const MAX_ATTEMPT_MESSAGE = 2048;
/** A budget that ran out before the attempt's request was sent. */
const NOT_SENT = { delivery: 'not_delivered' } as const;
/** Resumptions of one request's stream by `Last-Event-ID` before it counts as cut for good. */
export const MAX_RESUMPTIONS = 20;

export interface RetryRunInit {
  operation: OperationName;
  clientId: string;
  policy: Readonly<RetryOptions>;
  clock: Clock;
  events: FastMcpEvents;
  /** The caller's signal: aborting it stops the call at once, without retry. */
  signal?: AbortSignal;
  /** The call's total budget, retries included (never more than `policy.totalTimeoutMs`). */
  timeoutMs?: number;
  /** One attempt only: the failure is thrown as it is, never wrapped in RetryExhaustedError. */
  singleAttempt?: boolean;
  /** The server's attempt pipeline (breaker, retry budget, rate limit). Default: none. */
  pipeline?: ServerPipeline;
  /** The tool of a `tools/call`, named when a retry is withheld. */
  toolName?: string;
  /**
   * Whether the request may be sent again after a failure that may have reached the server.
   * Absent: always (safe operations). Asked at decision time.
   */
  safeToRepeat?: () => boolean;
  /** The operation's span, when it is traced: each request starts its attempt's span there. */
  trace?: OperationTrace;
}

/**
 * The retry state of one operation: its deadline, its attempts and the retries it used. The
 * operation runner's single loop asks it, after each failed attempt, whether and when to try
 * again; each attempt is admitted by the server's pipeline and reports back to it.
 */
export class RetryRun {
  readonly startedAt: number;
  readonly deadline: number;
  readonly attempts: AttemptRecord[] = [];
  private retriesUsed = 0;
  private readonly attemptTimer: AttemptTimer;
  /** Between an attempt's start and its outcome being known (not during a backoff wait). */
  private attemptRunning = false;
  private detachCaller?: () => void;
  private readonly recorded = new WeakMap<object, ErrorClassification>();
  private releaseAdmission?: () => void;

  constructor(private readonly init: RetryRunInit) {
    this.startedAt = init.clock.now();
    const budget = Math.min(init.policy.totalTimeoutMs, init.timeoutMs ?? Infinity);
    this.deadline = this.startedAt + budget;
    this.attemptTimer = new AttemptTimer(init.clock, this.deadline, init.policy.requestTimeoutMs, {
      budget: (notSent) => this.budgetError(undefined, notSent ? NOT_SENT : {}),
      socketWait: (waitMs) => new McpSocketWaitError(waitMs, this.context()),
      attempt: (timeoutMs) => new McpTimeoutError('attempt', timeoutMs, this.context()),
    });
  }

  private get pipeline(): ServerPipeline {
    return this.init.pipeline ?? OPEN_PIPELINE;
  }

  private get attemptInfo(): AttemptInfo {
    return { server: this.clientId, operation: this.operation };
  }

  get operation(): OperationName {
    return this.init.operation;
  }

  get clientId(): string {
    return this.init.clientId;
  }

  get policy(): Readonly<RetryOptions> {
    return this.init.policy;
  }

  get retryableStatusCodes(): readonly number[] {
    return this.init.policy.retryableStatusCodes;
  }

  get retryCount(): number {
    return this.retriesUsed;
  }

  now(): number {
    return this.init.clock.now();
  }

  get elapsedMs(): number {
    return this.init.clock.now() - this.startedAt;
  }

  get trace(): OperationTrace | undefined {
    return this.init.trace;
  }

  get callerSignal(): AbortSignal | undefined {
    return this.init.signal;
  }

  /**
   * Starts an attempt once the server's pipeline admits it (a breaker, a rate limit); its
   * signal aborts on the caller's abort or the attempt's own timeout. With `awaitSocket`, the
   * timeout starts at `requestWritten`; until then the wait for a pooled socket has its own
   * bound of `requestTimeoutMs`, past which the attempt fails with McpSocketWaitError.
   */
  async beginAttempt({ awaitSocket = false } = {}): Promise<AbortSignal> {
    this.endAttempt();
    this.throwIfAborted();
    if (this.deadline - this.init.clock.now() <= 0) throw this.budgetError(undefined, NOT_SENT);
    this.releaseAdmission = await this.admit();
    const now = this.init.clock.now();
    if (this.deadline - now <= 0) throw this.budgetError(undefined, NOT_SENT);
    const signal = this.attemptTimer.start(now, awaitSocket);
    this.attemptRunning = true;
    const caller = this.init.signal;
    if (caller) {
      const onAbort = (): void => this.attemptTimer.abort(this.abortedError());
      caller.addEventListener('abort', onAbort, { once: true });
      this.detachCaller = () => caller.removeEventListener('abort', onAbort);
    }
    return signal;
  }

  /**
   * The request of the attempt whose signal is `signal` got its socket and is being written:
   * its timeout starts now (within the budget). Ignored for an attempt that has ended.
   */
  requestWritten(signal: AbortSignal): void {
    this.attemptTimer.requestWritten(signal);
  }

  /**
   * Restarts the attempt timeout (a server's progress shows the request is alive), never past
   * `maxAttemptMs` from the attempt's start nor past the budget.
   */
  extendAttempt(maxAttemptMs = Infinity): void {
    this.attemptTimer.extend(maxAttemptMs);
  }

  /**
   * Waits before resuming a broken or closed stream (the server's `retry`, within the budget).
   * A resumption is not a retry: the request is not sent again, so it uses none of `maxRetries`.
   */
  async waitToResume(delayMs: number, resumption: number, reason: FastMcpError): Promise<void> {
    this.throwIfAborted();
    if (this.init.clock.now() + delayMs >= this.deadline) throw this.budgetError(reason);
    this.init.events.emit('retry.scheduled', {
      operation: this.operation,
      clientId: this.clientId,
      retry: resumption,
      maxRetries: MAX_RESUMPTIONS,
      delayMs,
      reason: 'stream_resume',
      error: reason.message,
      cumulativeMs: this.elapsedMs,
    });
    await this.init.clock.sleep(delayMs, this.attemptSignal).catch(() => {
      throw this.explainAbort(this.abortedError());
    });
  }

  /** The current attempt's signal (started by `beginAttempt`). */
  get attemptSignal(): AbortSignal | undefined {
    return this.attemptTimer.signal;
  }

  /**
   * Runs work of the call outside its attempts (the OAuth flow) under a signal that aborts when
   * the caller aborts or the budget runs out. Cut short, it fails as the call does (McpAbortedError,
   * or the budget's McpTimeoutError, the request not sent), never with the work's own error.
   */
  async outsideAttempt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const remaining = Math.max(this.deadline - this.init.clock.now(), 0);
    const timer = setTimeout(
      () => controller.abort(this.budgetError(undefined, NOT_SENT)),
      remaining,
    );
    const caller = this.init.signal;
    const onAbort = (): void => controller.abort(this.abortedError());
    caller?.addEventListener('abort', onAbort, { once: true });
    if (caller?.aborted) onAbort();
    try {
      return await work(controller.signal);
    } catch (error) {
      throw controller.signal.aborted ? (controller.signal.reason as FastMcpError) : error;
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    }
  }

  /** Waits for the server's pipeline to admit the attempt, never past the call's budget. */
  private async admit(): Promise<() => void> {
    // Nothing may wait: no timer, no signal.
    if (!this.pipeline.admitMayWait) return await this.pipeline.admit(this.attemptInfo);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.deadline - this.init.clock.now());
    const caller = this.init.signal;
    const signal = caller ? AbortSignal.any([caller, deadline.signal]) : deadline.signal;
    try {
      return await this.pipeline.admit(this.attemptInfo, signal);
    } catch (error) {
      if (caller?.aborted) throw this.abortedError();
      if (deadline.signal.aborted) throw this.budgetError(error, NOT_SENT);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The attempt got an answer: the pipeline hears of it. */
  recordSuccess(): void {
    this.pipeline.succeeded(this.attemptInfo);
  }

  /** The running attempt's outcome is known: whatever aborts the run now, it is between attempts. */
  attemptSettled(): void {
    this.attemptRunning = false;
  }

  /** An attempt is running whose request may have reached the server (past its socket wait). */
  get requestMayBeOut(): boolean {
    return this.attemptRunning && !this.attemptTimer.awaitingSocket;
  }

  /** Clears the attempt timer and frees its admission. Call when the attempt ends. */
  endAttempt(): void {
    this.attemptRunning = false;
    this.attemptTimer.stop();
    this.releaseAdmission?.();
    this.releaseAdmission = undefined;
    // A caller's signal often outlives many calls: leave no listener on it.
    this.detachCaller?.();
    this.detachCaller = undefined;
  }

  /** Turns an abort of the attempt into the error that explains it; other errors pass through. */
  explainAbort(error: unknown): unknown {
    if (this.init.signal?.aborted) return this.abortedError();
    const attempt = this.attemptTimer.signal;
    const reason: unknown = attempt?.reason;
    if (attempt?.aborted && isFastMcpError(reason)) return reason;
    return error;
  }

  /** Records a failed attempt once, however many layers see the same error. */
  recordFailure(error: FastMcpError): ErrorClassification {
    const known = this.recorded.get(error);
    if (known) return known;
    const classification = classifyError(error, this.init.policy.retryableStatusCodes);
    this.recorded.set(error, classification);
    const delivery = deliveryOf(error, this.init.policy.notDeliveredStatusCodes);
    this.pipeline.failed(this.attemptInfo, error, delivery);
    const now = this.init.clock.now();
    const started = this.attemptTimer.attemptStartedAt || now;
    this.attempts.push({
      at: new Date(started).toISOString(),
      durationMs: now - started,
      status: error.status,
      code: (error as { code?: unknown }).code as number | undefined,
      errorClass: classification.errorClass,
      message: error.message.slice(0, MAX_ATTEMPT_MESSAGE),
    });
    this.init.events.emit('attempt.failed', {
      operation: this.operation,
      clientId: this.clientId,
      attempt: this.attempts.length,
      errorClass: classification.errorClass,
      error: error.message,
      retryable: classification.retryable,
      durationMs: now - started,
    });
    return classification;
  }

  /**
   * Waits the delay before the next attempt, or throws the operation's final error:
   * the error itself when it is not retryable, RetryExhaustedError when no retry is left,
   * a budget McpTimeoutError when the wait would pass the deadline, McpAbortedError on abort.
   */
  async waitBeforeRetry(error: FastMcpError): Promise<void> {
    const classification = this.recordFailure(error);
    this.throwIfAborted();
    if (!classification.retryable || this.init.singleAttempt) throw this.finalError(error);
    if (this.withholds(error)) throw this.deliveryUnknown(error);
    if (this.retriesUsed >= this.init.policy.maxRetries) {
      throw new RetryExhaustedError(this.attempts.length, this.elapsedMs, error, this.context());
    }
    const delayMs = this.delayFor(classification, error);
    // Last, so a vetoed retry has not taken a token from the server's budget for nothing.
    if (!this.pipeline.allowRetry(this.attemptInfo).allowed) throw error;
    this.retriesUsed += 1;
    this.init.events.emit('retry.scheduled', {
      operation: this.operation,
      clientId: this.clientId,
      retry: this.retriesUsed,
      maxRetries: this.init.policy.maxRetries,
      delayMs,
      reason: classification.errorClass,
      error: error.message,
      cumulativeMs: this.elapsedMs,
    });
    await this.init.clock.sleep(delayMs, this.init.signal).catch(() => {
      throw this.abortedError();
    });
  }

  /** True when `error` may have reached the server and the request is not safe to repeat. */
  private withholds(error: FastMcpError): boolean {
    const safeToRepeat = this.init.safeToRepeat;
    if (!safeToRepeat || this.init.policy.ambiguousToolCalls === 'always') return false;
    const delivery = deliveryOf(error, this.init.policy.notDeliveredStatusCodes);
    return delivery === 'unknown' && !safeToRepeat();
  }

  /**
   * A budget that ran out while a request not safe to repeat was out, or an answer to it too large
   * to hold (the server ran it), ends the call with delivery `unknown`: its dead letter needs
   * `force` to run again.
   */
  private finalError(error: FastMcpError): FastMcpError {
    if (!this.withholds(error)) return error;
    const fields = {
      ...this.context(),
      cause: error.cause,
      status: error.status,
      delivery: 'unknown' as const,
    };
    if (isMcpTimeoutError(error) && error.scope === 'budget') {
      return new McpTimeoutError('budget', error.timeoutMs, fields);
    }
    if (isMcpResponseTooLargeError(error)) {
      return new McpResponseTooLargeError(error.limit, error.limitBytes, fields);
    }
    return error;
  }

  private deliveryUnknown(error: FastMcpError): McpDeliveryUnknownError {
    this.init.events.emit('retry.withheld', {
      ...this.context(),
      toolName: this.init.toolName,
      error: error.message,
    });
    return new McpDeliveryUnknownError(this.init.toolName, error, this.context());
  }

  private delayFor(classification: ErrorClassification, error: FastMcpError): number {
    const remaining = this.deadline - this.init.clock.now();
    const computed = calculateBackoffWithJitter(this.retriesUsed + 1, this.init.policy);
    const asked = classification.retryAfterMs;
    if (asked !== undefined && asked > computed) {
      if (asked >= remaining) {
        throw this.budgetError(error, {
          detail: `server asked to retry after ${asked}ms, past the remaining ${Math.max(0, remaining)}ms`,
        });
      }
      return asked;
    }
    if (computed >= remaining) throw this.budgetError(error);
    return computed;
  }

  private throwIfAborted(): void {
    if (this.init.signal?.aborted) throw this.abortedError();
  }

  private context(): { clientId: string; operation: OperationName } {
    return { clientId: this.clientId, operation: this.operation };
  }

  private abortedError(): McpAbortedError {
    return new McpAbortedError({ ...this.context(), cause: this.init.signal?.reason });
  }

  /** `delivery` when the budget ran out where it is known (before a request went out). */
  private budgetError(
    cause: unknown,
    fields: { detail?: string; delivery?: Delivery } = {},
  ): McpTimeoutError {
    return new McpTimeoutError('budget', this.deadline - this.startedAt, {
      ...this.context(),
      cause,
      ...fields,
    });
  }
}

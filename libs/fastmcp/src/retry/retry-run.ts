import type { AttemptRecord } from '../dlq/core/failed-operation.interface.js';
import { type FastMcpError, isFastMcpError } from '../errors/fastmcp.error.js';
import { isMcpAbortedError, type McpAbortedError } from '../errors/mcp-aborted.error.js';
import {
  isMcpDeliveryUnknownError,
  type McpDeliveryUnknownError,
} from '../errors/mcp-delivery-unknown.error.js';
import { McpSocketWaitError } from '../errors/mcp-socket-wait.error.js';
import { McpTimeoutError } from '../errors/mcp-timeout.error.js';
import type { OperationName } from '../events/operation-name.js';
import type { RetryOptions } from '../options/retry-options.interface.js';
import { AttemptTimer } from './attempt-timer.js';
import { AbortHandle } from './abort-handle.js';
import { calculateBackoffWithJitter } from './backoff.js';
import { classifyError, type ErrorClassification } from './classify-error.js';
import { deliveryOf } from './delivery.js';
import type { AttemptInfo } from '../pipeline/attempt-policy.interface.js';
import { OPEN_PIPELINE, type ServerPipeline } from '../pipeline/server-pipeline.js';
import type { OperationTrace } from '../tracing/operation-tracer.interface.js';
import { NOT_SENT, RetryRunErrors } from './retry-run-errors.js';
import type { RetryRunInit } from './retry-run-init.interface.js';
import { admitWithinBudget, type CallBounds, runOutsideAttempt } from './within-budget.js';

const MAX_ATTEMPT_MESSAGE = 2048;
/** Resumptions of one request's stream by `Last-Event-ID` before it counts as cut for good. */
export const MAX_RESUMPTIONS = 20;

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
  /**
   * The pipeline admitted an attempt of this run and has not heard how it ended. A run that joined
   * another's handshake admitted nothing: the handshake's failure is reported once, by its own run.
   */
  private outcomeOwed = false;
  /** What ends the call early: the caller's signal, or `abort` (the module's shutdown). */
  private readonly stop: AbortHandle;
  /** The call's stop has `onCallerAbort` as a listener (only while an attempt runs). */
  private listeningToCaller = false;
  private readonly recorded = new WeakMap<object, ErrorClassification>();
  private releaseAdmission?: () => void;
  private readonly errors: RetryRunErrors;
  private readonly bounds: CallBounds;

  /**
   * Made once per run, not per attempt: a closure made in each attempt and kept on the run was
   * seen to make V8 allocate every call's object literals in the old generation from then on
   * (allocation-site pretenuring), where only full collections free them.
   */
  private readonly onCallerAbort = (): void => this.attemptTimer.abort(this.abortedError());

  constructor(private readonly init: RetryRunInit) {
    this.startedAt = init.clock.now();
    const budget = Math.min(init.policy.totalTimeoutMs, init.timeoutMs ?? Infinity);
    this.deadline = this.startedAt + budget;
    this.stop = new AbortHandle(init.signal);
    const errors = new RetryRunErrors(init.clientId, init.operation, budget, this.stop);
    this.errors = errors;
    this.bounds = { deadline: this.deadline, clock: init.clock, stop: this.stop, errors };
    this.attemptTimer = new AttemptTimer(init.clock, this.deadline, init.policy.requestTimeoutMs, {
      budget: (notSent) => errors.budget(undefined, notSent ? NOT_SENT : {}),
      socketWait: (waitMs) => new McpSocketWaitError(waitMs, errors.context()),
      attempt: (timeoutMs) => new McpTimeoutError('attempt', timeoutMs, errors.context()),
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

  /** The call was aborted: by the caller, or by the module's shutdown. */
  get aborted(): boolean {
    return this.stop.aborted;
  }

  /** Why the call was aborted, once it was. */
  get abortReason(): unknown {
    return this.stop.reason;
  }

  /** A signal that aborts with the call (made on first use; see AbortHandle). */
  get callSignal(): AbortSignal {
    return this.stop.signal;
  }

  /** Ends the call with `reason` (the module's shutdown), as the caller's abort would. */
  abort(reason: unknown): void {
    this.stop.abort(reason);
  }

  /** The call is over: nothing stays listening on the caller's signal. */
  dispose(): void {
    this.stop.detach();
  }

  /**
   * Starts an attempt once the server's pipeline admits it (a breaker, a rate limit); its
   * handle aborts on the caller's abort or the attempt's own timeout. With `awaitSocket`, the
   * timeout starts at `requestWritten`; until then the wait for a pooled socket has its own
   * bound of `requestTimeoutMs`, past which the attempt fails with McpSocketWaitError.
   */
  async beginAttempt({ awaitSocket = false } = {}): Promise<AbortHandle> {
    this.endAttempt();
    this.attemptTimer.reset();
    this.throwIfAborted();
    if (this.deadline - this.init.clock.now() <= 0) throw this.errors.budget(undefined, NOT_SENT);
    this.releaseAdmission = await admitWithinBudget(this.pipeline, this.attemptInfo, this.bounds);
    // The caller may have aborted in the microtasks since the grant, before its listener below.
    if (this.stop.aborted) {
      this.endAttempt();
      throw this.errors.aborted();
    }
    const now = this.init.clock.now();
    if (this.deadline - now <= 0) throw this.errors.budget(undefined, NOT_SENT);
    this.outcomeOwed = true;
    const attempt = this.attemptTimer.start(now, awaitSocket);
    this.attemptRunning = true;
    this.stop.addEventListener('abort', this.onCallerAbort);
    this.listeningToCaller = true;
    return attempt;
  }

  /**
   * The request of the attempt of `attempt` got its socket and is being written: its timeout
   * starts now (within the budget). Ignored for an attempt that has ended.
   */
  requestWritten(attempt: AbortHandle): void {
    this.attemptTimer.requestWritten(attempt);
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
    if (this.init.clock.now() + delayMs >= this.deadline) throw this.errors.budget(reason);
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

  /**
   * Waits `delayMs` between two requests of one attempt (a task's polls), outside any attempt and
   * within the budget: a wait that would pass the deadline fails at once; the caller's abort ends it.
   */
  async pause(delayMs: number): Promise<void> {
    this.endAttempt();
    this.throwIfAborted();
    if (this.init.clock.now() + delayMs >= this.deadline)
      throw this.errors.budget(undefined, NOT_SENT);
    await this.init.clock.sleep(delayMs, this.stop.signal).catch(() => {
      throw this.errors.aborted();
    });
  }

  /** The current attempt's abort (started by `beginAttempt`): what hot paths listen to. */
  get attemptAbort(): AbortHandle | undefined {
    return this.attemptTimer.current;
  }

  /** The current attempt's abort as a signal, for work that takes only one (made on first use). */
  get attemptSignal(): AbortSignal | undefined {
    return this.attemptTimer.current?.signal;
  }

  /** Runs work of the call outside its attempts (the OAuth flow): see `runOutsideAttempt`. */
  outsideAttempt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return runOutsideAttempt(work, this.bounds);
  }

  /**
   * A handler answers the server on the running attempt's stream: its bulkhead slot is lent (see
   * ServerPipeline.lend) and its timeout paused (see AttemptTimer.pauseForClient) until the
   * returned function is called.
   */
  waitOnClient(): () => void {
    const reclaimSlot = this.pipeline.lend();
    const resumeTimeout = this.attemptTimer.pauseForClient();
    return () => {
      resumeTimeout();
      reclaimSlot();
    };
  }

  /** The attempt got an answer: the pipeline hears of it. */
  recordSuccess(): void {
    if (!this.takeOwedOutcome()) return;
    this.pipeline.succeeded(this.attemptInfo);
  }

  /** True once per admitted attempt: the pipeline hears one outcome of each, no more. */
  private takeOwedOutcome(): boolean {
    const owed = this.outcomeOwed;
    this.outcomeOwed = false;
    return owed;
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
    this.outcomeOwed = false;
    this.attemptTimer.stop();
    this.releaseAdmission?.();
    this.releaseAdmission = undefined;
    // A caller's signal often outlives many calls: leave no listener on it.
    if (this.listeningToCaller) {
      this.listeningToCaller = false;
      this.stop.removeEventListener('abort', this.onCallerAbort);
    }
  }

  /** Turns an abort of the attempt into the error that explains it; other errors pass through. */
  explainAbort(error: unknown): unknown {
    const attempt = this.attemptTimer.current;
    const reason: unknown = attempt?.reason;
    if (this.stop.aborted) {
      // Already known to have found the request out (a task the server had accepted).
      if (isMcpAbortedError(error) && error.delivery === 'unknown') return error;
      // The abort as it came, while the attempt ran: it knows whether the request was out.
      return attempt?.aborted && isMcpAbortedError(reason) ? reason : this.abortedError();
    }
    // Already says what may have run, and names more than the abort does (a task's id).
    if (isMcpDeliveryUnknownError(error)) return error;
    if (attempt?.aborted && isFastMcpError(reason)) return reason;
    return error;
  }

  /** Records a failed attempt once, however many layers see the same error. */
  recordFailure(error: FastMcpError): ErrorClassification {
    const known = this.recorded.get(error);
    if (known) return known;
    const classification = classifyError(error, this.init.policy.retryableStatusCodes);
    this.recorded.set(error, classification);
    if (this.takeOwedOutcome()) {
      const delivery = deliveryOf(error, this.init.policy.notDeliveredStatusCodes);
      this.pipeline.failed(this.attemptInfo, error, delivery);
    }
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
    if (this.stop.aborted) throw isMcpAbortedError(error) ? error : this.errors.aborted();
    if (!classification.retryable || this.init.singleAttempt) throw this.finalError(error);
    if (this.withholds(error)) throw this.withheld(error);
    if (this.retriesUsed >= this.init.policy.maxRetries) {
      throw this.errors.exhausted(this.attempts.length, this.elapsedMs, error);
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
    await this.init.clock.sleep(delayMs, this.stop.signal).catch(() => {
      throw this.errors.aborted();
    });
  }

  /** True when `error` may have reached the server and the request is not safe to repeat. */
  private withholds(error: FastMcpError): boolean {
    if (!this.unsafeToRepeat()) return false;
    return deliveryOf(error, this.init.policy.notDeliveredStatusCodes) === 'unknown';
  }

  /** A request (a tool call) that must not run twice unasked. */
  private unsafeToRepeat(): boolean {
    const safeToRepeat = this.init.safeToRepeat;
    return safeToRepeat !== undefined && !safeToRepeat(this.init.policy.ambiguousToolCalls);
  }

  /** The caller's abort: delivery unknown when it came while such a request was out. */
  private abortedError(): McpAbortedError {
    return this.errors.aborted(
      this.requestMayBeOut && this.unsafeToRepeat() ? 'unknown' : undefined,
    );
  }

  /**
   * A budget that ran out while a request not safe to repeat was out, or an answer to it too large
   * to hold (the server ran it), ends the call with delivery `unknown`: its dead letter needs
   * `force` to run again.
   */
  private finalError(error: FastMcpError): FastMcpError {
    return this.withholds(error) ? this.errors.deliveryUnknown(error) : error;
  }

  /**
   * A resend withheld: the failed request may have run and is not safe to repeat. Raises
   * `retry.withheld` (its WARN line); the error to throw.
   */
  withheld(error: FastMcpError): McpDeliveryUnknownError {
    this.init.events.emit('retry.withheld', {
      ...this.errors.context(),
      toolName: this.init.toolName,
      error: error.message,
    });
    return this.errors.withheld(this.init.toolName, error);
  }

  private delayFor(classification: ErrorClassification, error: FastMcpError): number {
    const remaining = this.deadline - this.init.clock.now();
    const computed = calculateBackoffWithJitter(this.retriesUsed + 1, this.init.policy);
    const asked = classification.retryAfterMs;
    if (asked !== undefined && asked > computed) {
      if (asked >= remaining) {
        throw this.errors.budget(error, {
          detail: `server asked to retry after ${asked}ms, past the remaining ${Math.max(0, remaining)}ms`,
        });
      }
      return asked;
    }
    if (computed >= remaining) throw this.errors.budget(error);
    return computed;
  }

  /** McpAbortedError once the caller aborted. */
  throwIfAborted(): void {
    if (this.stop.aborted) throw this.errors.aborted();
  }
}

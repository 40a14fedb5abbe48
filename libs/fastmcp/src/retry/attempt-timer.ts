import type { FastMcpError } from '../errors/fastmcp.error.js';
import { AbortHandle } from './abort-handle.js';
import type { Clock } from './clock.js';

/** The errors an attempt's timer aborts it with, made by the run that owns the budget. */
export interface AttemptTimeouts {
  /** The call's budget ran out; `notSent` when the request had not left. */
  budget(notSent: boolean): FastMcpError;
  /** No pooled socket within `waitMs`. */
  socketWait(waitMs: number): FastMcpError;
  /** The attempt took longer than `timeoutMs`. */
  attempt(timeoutMs: number): FastMcpError;
}

/**
 * The running attempt's abort handle and its one timer: first the wait for a pooled socket
 * (bounded by the request timeout), then the attempt timeout from the moment the request is
 * written, restarted by progress. Never past the call's deadline: a timer cut short by the
 * deadline ends the budget, whatever the clock reads when it fires (a timer may fire a
 * millisecond early).
 */
export class AttemptTimer {
  private handle?: AbortHandle;
  private timer?: ReturnType<typeof setTimeout>;
  private startedAt = 0;
  private socketWait = false;
  /** Handlers of the attempt's stream answering the server: the attempt waits on the client. */
  private waitingOnClient = 0;
  /** Bumped as an attempt starts and ends: a resume from an earlier one changes nothing. */
  private epoch = 0;

  constructor(
    private readonly clock: Clock,
    private readonly deadline: number,
    private readonly requestTimeoutMs: number,
    private readonly timeouts: AttemptTimeouts,
  ) {}

  /** The current attempt's handle, aborted by its timer or by `abort`. */
  get current(): AbortHandle | undefined {
    return this.handle;
  }

  /** When the current attempt started (its request written, with a socket wait); 0 before one. */
  get attemptStartedAt(): number {
    return this.startedAt;
  }

  /** Waiting for a pooled socket: the request has not left. */
  get awaitingSocket(): boolean {
    return this.socketWait;
  }

  /** Starts an attempt at `now`; its handle. With `awaitSocket`, the socket wait runs first. */
  start(now: number, awaitSocket: boolean): AbortHandle {
    const remaining = this.deadline - now;
    const timeoutMs = Math.min(this.requestTimeoutMs, remaining);
    const handle = new AbortHandle();
    this.handle = handle;
    this.startedAt = now;
    this.waitingOnClient = 0;
    this.epoch++;
    if (awaitSocket) this.armSocketWait(handle, timeoutMs, timeoutMs === remaining);
    else this.arm(handle, timeoutMs, timeoutMs === remaining);
    return handle;
  }

  abort(reason: FastMcpError): void {
    this.handle?.abort(reason);
  }

  /** The attempt of `handle` got its socket: its timeout starts now. */
  requestWritten(written: AbortHandle): void {
    const handle = this.handle;
    if (!handle || handle !== written || handle.aborted || !this.socketWait) return;
    this.socketWait = false;
    clearTimeout(this.timer);
    const now = this.clock.now();
    this.startedAt = now;
    const remaining = this.deadline - now;
    if (remaining <= 0) {
      handle.abort(this.timeouts.budget(false));
      return;
    }
    const timeoutMs = Math.min(this.requestTimeoutMs, remaining);
    this.arm(handle, timeoutMs, timeoutMs === remaining);
  }

  /**
   * The client's own handler answers the server (a person filling in a form, a model sampling):
   * that time is not the server's, so until the returned resume only the deadline bounds the
   * attempt. The last resume restarts the timeout. Before, a form that took longer than the
   * timeout was thrown away, and a retry asked the person again.
   */
  pauseForClient(): () => void {
    const handle = this.handle;
    if (!handle || handle.aborted) return () => undefined;
    if (this.waitingOnClient++ === 0) {
      clearTimeout(this.timer);
      this.arm(handle, Math.max(0, this.deadline - this.clock.now()), true);
    }
    const epoch = this.epoch;
    let resumed = false;
    return () => {
      // The attempt ended meanwhile (its answer came): no timer may start again for it.
      if (resumed || this.epoch !== epoch) return;
      resumed = true;
      if (--this.waitingOnClient > 0 || handle.aborted) return;
      clearTimeout(this.timer);
      const remaining = this.deadline - this.clock.now();
      const timeoutMs = Math.min(this.requestTimeoutMs, remaining);
      this.arm(handle, Math.max(0, timeoutMs), timeoutMs === remaining);
    };
  }

  /** Restarts the timeout, never past `maxAttemptMs` from the attempt's start nor the deadline. */
  extend(maxAttemptMs: number): void {
    const handle = this.handle;
    if (!handle || handle.aborted || this.waitingOnClient > 0) return;
    const now = this.clock.now();
    const limit = Math.min(this.startedAt + maxAttemptMs, this.deadline);
    const timeoutMs = Math.min(this.requestTimeoutMs, limit - now);
    if (timeoutMs <= 0) return;
    clearTimeout(this.timer);
    this.arm(handle, timeoutMs, timeoutMs === this.deadline - now);
  }

  /**
   * Before the next attempt is admitted: the last one's handle, and the reason it was aborted
   * for, no longer explain anything (a refusal by the breaker is not that attempt's timeout).
   */
  reset(): void {
    this.stop();
    this.handle = undefined;
  }

  /** The attempt ended: its timer is cleared (its handle stays as it is). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.socketWait = false;
    this.waitingOnClient = 0;
    this.epoch++;
  }

  private armSocketWait(handle: AbortHandle, waitMs: number, atDeadline: boolean): void {
    this.socketWait = true;
    this.timer = setTimeout(() => {
      const budgetSpent = atDeadline || this.clock.now() >= this.deadline;
      handle.abort(budgetSpent ? this.timeouts.budget(true) : this.timeouts.socketWait(waitMs));
    }, waitMs);
  }

  private arm(handle: AbortHandle, timeoutMs: number, atDeadline: boolean): void {
    this.timer = setTimeout(() => {
      const budgetSpent = atDeadline || this.clock.now() >= this.deadline;
      handle.abort(budgetSpent ? this.timeouts.budget(false) : this.timeouts.attempt(timeoutMs));
    }, timeoutMs);
  }
}

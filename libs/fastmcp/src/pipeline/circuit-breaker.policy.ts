import { CircuitOpenError } from '../errors/circuit-open.error.js';
import type { Delivery, FastMcpError } from '../errors/fastmcp.error.js';
import type { CircuitState } from '../events/fastmcp-events.interface.js';
import type { CircuitBreakerOptions } from '../options/resilience-options.interface.js';
import type { Admission, AttemptInfo, AttemptPolicy } from './attempt-policy.interface.js';
import { countsAgainstServer } from './breaker-failure.js';
import { FailureWindow } from './failure-window.js';
import type { PolicyContext } from './policy-context.js';

/**
 * Closed: attempts go out and failures are counted. Open: attempts fail fast with
 * CircuitOpenError for `openMs`, then the circuit turns half-open, with or without calls.
 * Half-open: `halfOpenProbes` attempts go out; if all succeed the circuit closes, if one fails it
 * opens again. Only the probes decide: the outcome of an attempt admitted before (a slow one,
 * from when the circuit was closed) is ignored while open or half-open.
 */
export class CircuitBreakerPolicy implements AttemptPolicy {
  private state: CircuitState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probesSent = 0;
  private probesPassed = 0;
  private probesInFlight = 0;
  /**
   * Bumped on every state change. Each admission is stamped with it, so the outcome of an attempt
   * admitted in an earlier state is told from a probe's.
   */
  private generation = 0;
  /** Turns the open circuit half-open after `openMs`, so its state moves on without calls. */
  private halfOpenTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly window: FailureWindow;

  constructor(
    private readonly context: PolicyContext,
    private readonly options: Readonly<CircuitBreakerOptions>,
  ) {
    this.window = new FailureWindow(options.windowMs);
  }

  get current(): CircuitState {
    return this.state;
  }

  /** True while attempts would fail fast: open, and `openMs` not over yet. */
  get blocking(): boolean {
    return this.state === 'open' && this.context.clock.now() - this.openedAt < this.options.openMs;
  }

  admit(attempt: AttemptInfo): Admission {
    const now = this.context.clock.now();
    if (this.state === 'open' && now - this.openedAt >= this.options.openMs) {
      this.moveTo('half_open');
    }
    if (this.state === 'closed') return { admitted: true, stamp: this.generation };
    if (this.state === 'half_open' && this.probesSent < this.options.halfOpenProbes) {
      this.probesSent += 1;
      this.probesInFlight += 1;
      return { admitted: true, release: this.probeRelease(), stamp: this.generation };
    }
    const retryAt = this.state === 'open' ? this.openedAt + this.options.openMs : now;
    const fields = { clientId: attempt.server, operation: attempt.operation };
    return { admitted: false, error: new CircuitOpenError(this.context.server, retryAt, fields) };
  }

  onSuccess(_attempt: AttemptInfo, stamp?: number): void {
    if (!this.hears(stamp)) return;
    this.consecutive = 0;
    if (this.options.mode === 'rate') this.window.record(this.context.clock.now(), false);
    if (this.state !== 'half_open') return;
    this.probesPassed += 1;
    if (this.probesPassed >= this.options.halfOpenProbes) this.moveTo('closed');
  }

  onFailure(_attempt: AttemptInfo, error: FastMcpError, _delivery: Delivery, stamp?: number): void {
    if (!countsAgainstServer(error) || !this.hears(stamp)) return;
    if (this.state === 'half_open') {
      this.open();
      return;
    }
    if (this.state === 'open') return;
    this.consecutive += 1;
    if (this.options.mode === 'rate') this.window.record(this.context.clock.now(), true);
    if (this.shouldOpen()) this.open();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.halfOpenTimer);
  }

  /**
   * Whether an outcome may move the breaker. Closed hears every outcome, a late one too. Open and
   * half-open hear only attempts admitted in the current state, the probes: a slow attempt from
   * before must neither close the circuit while a probe is out nor open it again under one.
   * An outcome without a stamp counts as current.
   */
  private hears(stamp: number | undefined): boolean {
    return this.state === 'closed' || stamp === undefined || stamp === this.generation;
  }

  /**
   * When a probe ends, a probe that neither passed nor counted as a failure (a 4xx, an abort, a
   * refusal by a later policy) gives its slot back, so the next call probes again.
   */
  private probeRelease(): () => void {
    const generation = this.generation;
    let released = false;
    return () => {
      if (released || generation !== this.generation) return;
      released = true;
      this.probesInFlight -= 1;
      if (this.probesPassed + this.probesInFlight < this.probesSent) this.probesSent -= 1;
    };
  }

  private shouldOpen(): boolean {
    if (this.options.mode === 'consecutive') {
      return this.consecutive >= this.options.consecutiveFailures;
    }
    const { total, failed } = this.window.totals(this.context.clock.now());
    return total >= this.options.minimumAttempts && failed / total >= this.options.failureRate;
  }

  private open(): void {
    this.openedAt = this.context.clock.now();
    this.moveTo('open');
    if (this.disposed) return;
    // Every move clears this timer, so it fires only while this open period lasts: an admit()
    // that half-opened the circuit first leaves nothing for it to do twice.
    this.halfOpenTimer = setTimeout(() => this.moveTo('half_open'), this.options.openMs);
    this.halfOpenTimer.unref();
  }

  private moveTo(next: CircuitState): void {
    clearTimeout(this.halfOpenTimer);
    this.halfOpenTimer = undefined;
    const from = this.state;
    this.state = next;
    this.consecutive = 0;
    this.probesSent = 0;
    this.probesPassed = 0;
    this.probesInFlight = 0;
    this.generation += 1;
    if (next === 'closed') this.window.clear();
    if (from !== next) {
      this.context.events.emit('circuit.transition', {
        server: this.context.server,
        from,
        to: next,
      });
    }
  }
}

export function circuitBreakerPolicy(context: PolicyContext): AttemptPolicy | undefined {
  const options = context.options.circuitBreaker;
  return options ? new CircuitBreakerPolicy(context, options) : undefined;
}

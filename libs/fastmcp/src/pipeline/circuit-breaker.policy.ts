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
 * CircuitOpenError for `openMs`. Half-open: `halfOpenProbes` attempts go out; if all succeed the
 * circuit closes, if one fails it opens again.
 */
export class CircuitBreakerPolicy implements AttemptPolicy {
  private state: CircuitState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probesSent = 0;
  private probesPassed = 0;
  private probesInFlight = 0;
  /** Bumped on every state change, so a probe admitted in an earlier state is not counted. */
  private generation = 0;
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
    if (this.state === 'closed') return { admitted: true };
    if (this.state === 'half_open' && this.probesSent < this.options.halfOpenProbes) {
      this.probesSent += 1;
      this.probesInFlight += 1;
      return { admitted: true, release: this.probeRelease() };
    }
    const retryAt = this.state === 'open' ? this.openedAt + this.options.openMs : now;
    const fields = { clientId: attempt.server, operation: attempt.operation };
    return { admitted: false, error: new CircuitOpenError(this.context.server, retryAt, fields) };
  }

  onSuccess(): void {
    this.consecutive = 0;
    if (this.options.mode === 'rate') this.window.record(this.context.clock.now(), false);
    if (this.state !== 'half_open') return;
    this.probesPassed += 1;
    if (this.probesPassed >= this.options.halfOpenProbes) this.moveTo('closed');
  }

  onFailure(_attempt: AttemptInfo, error: FastMcpError, _delivery: Delivery): void {
    if (!countsAgainstServer(error)) return;
    if (this.state === 'half_open') {
      this.open();
      return;
    }
    if (this.state === 'open') return;
    this.consecutive += 1;
    if (this.options.mode === 'rate') this.window.record(this.context.clock.now(), true);
    if (this.shouldOpen()) this.open();
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
  }

  private moveTo(next: CircuitState): void {
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

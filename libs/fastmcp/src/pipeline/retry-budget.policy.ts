import type { RetryBudgetOptions } from '../options/resilience-options.interface.js';
import type { AttemptInfo, AttemptPolicy, RetryVerdict } from './attempt-policy.interface.js';
import { FailureWindow } from './failure-window.js';
import type { PolicyContext } from './policy-context.js';

/** Tokens a quiet server saves up for a burst of retries: ten seconds of `minPerSecond`. */
const RESERVE_SECONDS = 10;

/**
 * A token bucket of retries: every admitted attempt deposits `ratio` of a token, and the bucket
 * refills `minPerSecond` tokens a second on its own; a retry takes one token when it is
 * scheduled, before its backoff, so retries sleeping in backoff are already counted and a storm
 * cannot build up behind them. An empty bucket vetoes the retry. The bucket holds at most ten
 * seconds' worth: of `minPerSecond`, plus `ratio` of the attempts of the last ten seconds.
 */
export class RetryBudgetPolicy implements AttemptPolicy {
  private tokens: number;
  private refilledAt: number;
  private readonly reserve: number;
  private readonly recent = new FailureWindow(RESERVE_SECONDS * 1000);

  constructor(
    private readonly context: PolicyContext,
    private readonly options: Readonly<RetryBudgetOptions>,
  ) {
    this.reserve = Math.max(1, options.minPerSecond * RESERVE_SECONDS);
    this.tokens = this.reserve;
    this.refilledAt = context.clock.now();
  }

  admit(): { admitted: true } {
    this.recent.record(this.context.clock.now(), false);
    this.refill();
    this.tokens = Math.min(this.capacity(), this.tokens + this.options.ratio);
    return { admitted: true };
  }

  allowRetry(attempt: AttemptInfo): RetryVerdict {
    this.refill();
    // The epsilon forgives float drift: ten deposits of 0.1 make one whole token.
    if (this.tokens >= 1 - 1e-9) {
      this.tokens -= 1;
      return { allowed: true };
    }
    this.context.events.emit('retry.budget_exhausted', {
      server: this.context.server,
      clientId: this.context.server,
      operation: attempt.operation,
    });
    return { allowed: false, reason: `retry budget of ${this.context.server} is empty` };
  }

  private refill(): void {
    const now = this.context.clock.now();
    const seconds = Math.max(0, now - this.refilledAt) / 1000;
    this.refilledAt = now;
    this.tokens = Math.min(this.capacity(), this.tokens + seconds * this.options.minPerSecond);
  }

  private capacity(): number {
    return this.reserve + this.options.ratio * this.recent.totals(this.context.clock.now()).total;
  }
}

export function retryBudgetPolicy(context: PolicyContext): AttemptPolicy | undefined {
  const options = context.options.retryBudget;
  return options ? new RetryBudgetPolicy(context, options) : undefined;
}

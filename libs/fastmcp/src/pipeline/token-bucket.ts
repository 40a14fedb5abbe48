/** Float slack, so a token refilled to 0.999999... after an exact sleep still counts as one. */
const EPSILON = 1e-9;

/**
 * A token bucket on a caller's clock (it reads no time itself): it refills at `rate` tokens a
 * second and holds at most `max(1, rate)`, so a quiet server allows a burst of one second's worth.
 * It starts full.
 */
export class TokenBucket {
  private tokens: number;

  constructor(
    private rate: number,
    private refilledAt: number,
  ) {
    this.tokens = capacityOf(rate);
  }

  /** Takes one token if one is there at `now`. */
  tryTake(now: number): boolean {
    if (this.msUntilToken(now) > 0) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds from `now` until a token is there; 0 when one is there now. */
  msUntilToken(now: number): number {
    this.refill(now);
    const missing = 1 - this.tokens;
    return missing <= EPSILON ? 0 : Math.ceil((missing * 1000) / this.rate);
  }

  /**
   * Changes the rate from `now` on; the time before `now` refills at the old rate. A lower rate
   * also lowers the capacity, which the next refill applies.
   */
  setRate(rate: number, now: number): void {
    this.refill(now);
    this.rate = rate;
  }

  private refill(now: number): void {
    const seconds = Math.max(0, now - this.refilledAt) / 1000;
    this.refilledAt = Math.max(this.refilledAt, now);
    this.tokens = Math.min(capacityOf(this.rate), this.tokens + seconds * this.rate);
  }
}

const capacityOf = (rate: number): number => Math.max(1, rate);

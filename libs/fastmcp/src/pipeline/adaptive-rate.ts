/** Share of the configured rate that one success gives back (at least 1 request a second). */
const INCREASE_SHARE = 0.05;

/**
 * AIMD (additive increase, multiplicative decrease), as TCP backs off from congestion: a throttle
 * halves the rate at once (down to `floor`), then each success adds a small fixed step, so the
 * rate climbs back to `ceiling` slowly and a server that throttles again is not hit at full rate.
 */
export class AdaptiveRate {
  private rate: number;
  private readonly floor: number;
  private readonly step: number;

  constructor(
    private readonly ceiling: number,
    floor: number,
  ) {
    this.rate = ceiling;
    this.floor = Math.min(floor, ceiling);
    this.step = Math.max(1, ceiling * INCREASE_SHARE);
  }

  /** Requests per second now. */
  get current(): number {
    return this.rate;
  }

  /** The server throttled: halve the rate, not below the floor. Returns the new rate. */
  decrease(): number {
    this.rate = Math.max(this.floor, this.rate / 2);
    return this.rate;
  }

  /** An attempt succeeded: raise the rate by one step, not above the ceiling. Returns it. */
  increase(): number {
    this.rate = Math.min(this.ceiling, this.rate + this.step);
    return this.rate;
  }
}

/** Outcomes of the attempts in a sliding time window, in one-second buckets. */
export class FailureWindow {
  private readonly buckets = new Map<number, { total: number; failed: number }>();

  constructor(private readonly windowMs: number) {}

  record(now: number, failed: boolean): void {
    const key = Math.floor(now / 1000);
    const bucket = this.buckets.get(key) ?? { total: 0, failed: 0 };
    bucket.total += 1;
    if (failed) bucket.failed += 1;
    this.buckets.set(key, bucket);
    this.prune(now);
  }

  /** Attempts and failures still inside the window at `now`. */
  totals(now: number): { total: number; failed: number } {
    this.prune(now);
    let total = 0;
    let failed = 0;
    for (const bucket of this.buckets.values()) {
      total += bucket.total;
      failed += bucket.failed;
    }
    return { total, failed };
  }

  clear(): void {
    this.buckets.clear();
  }

  private prune(now: number): void {
    const oldest = Math.floor((now - this.windowMs) / 1000);
    for (const key of this.buckets.keys()) if (key <= oldest) this.buckets.delete(key);
  }
}

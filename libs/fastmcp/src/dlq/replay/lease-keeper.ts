import { performance } from 'node:perf_hooks';
import { FastMcpError } from '../../errors/fastmcp.error.js';

/**
 * Keeps a lease while work runs under it: renews it every third of its life, so the lease
 * outlives the work however long that takes. `signal` aborts once a renewal finds the lease gone
 * (it ran out, or another holder took it): the work must stop, and what it did must not be
 * written as if the lease were still held. A renewal that fails (the store is away) is tried
 * again at the next turn; if the lease runs out meanwhile, that renewal finds it gone.
 */
export class LeaseKeeper {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> | undefined;
  /** `performance.now()` by which the lease surely still holds, unless another holder took it. */
  private heldUntil: number;

  /** `grantedAt`: `performance.now()` taken before the lease was asked for. */
  constructor(
    private readonly renew: () => Promise<boolean>,
    private readonly leaseMs: number,
    private readonly what: string,
    grantedAt = performance.now(),
  ) {
    this.heldUntil = grantedAt + leaseMs;
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  /** Aborts when the lease is found lost. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get lost(): boolean {
    return this.controller.signal.aborted;
  }

  /** Whether the lease surely holds for `ms` more (as last granted or renewed). */
  holdsFor(ms: number): boolean {
    return !this.lost && performance.now() + ms < this.heldUntil;
  }

  /** Stops renewing; resolves once a renewal in flight has ended (it never outlives the work). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }

  private tick(): void {
    if (this.renewing || this.lost) return;
    const sentAt = performance.now();
    this.renewing = this.renew()
      .then((held) => {
        if (held) this.heldUntil = sentAt + this.leaseMs;
        else this.controller.abort(new FastMcpError(`${this.what}: lease lost`));
      })
      .catch(() => undefined)
      .finally(() => (this.renewing = undefined));
  }
}

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

  constructor(
    private readonly renew: () => Promise<boolean>,
    leaseMs: number,
    private readonly what: string,
  ) {
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

  /** Stops renewing; resolves once a renewal in flight has ended (it never outlives the work). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }

  private tick(): void {
    if (this.renewing || this.lost) return;
    this.renewing = this.renew()
      .then((held) => {
        if (!held) this.controller.abort(new FastMcpError(`${this.what}: lease lost`));
      })
      .catch(() => undefined)
      .finally(() => (this.renewing = undefined));
  }
}

/**
 * One OAuth flow, shared by every caller that waits for it. A caller stops waiting as soon as
 * its own signal aborts; the flow's signal aborts only once every caller has stopped waiting
 * (one that waits without a signal never stops), so one caller's abort fails no other.
 */
export class SharedFlight {
  readonly promise: Promise<void>;
  private readonly controller = new AbortController();
  private waiting = 0;
  private heldWithoutSignal = false;

  /** Starts `flow` at once; `scope` is what it asks for, to tell a step-up it already covers. */
  constructor(
    flow: (signal: AbortSignal) => Promise<void>,
    readonly scope?: string,
  ) {
    this.promise = flow(this.controller.signal);
    // Once every caller left, nobody hears how the flow ended: that is not an unhandled rejection.
    this.promise.catch(() => undefined);
  }

  /** True once every caller stopped waiting: the flow is being stopped. */
  get abandoned(): boolean {
    return this.controller.signal.aborted;
  }

  /** Waits for the flow; rejects with `signal`'s reason as soon as `signal` aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    if (!signal) {
      this.heldWithoutSignal = true;
      return await this.promise;
    }
    this.waiting += 1;
    let onAbort: (() => void) | undefined;
    try {
      signal.throwIfAborted();
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason as Error);
        signal.addEventListener('abort', onAbort, { once: true });
      });
      await Promise.race([this.promise, aborted]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
      this.waiting -= 1;
      if (signal.aborted && this.waiting === 0 && !this.heldWithoutSignal) this.controller.abort();
    }
  }
}

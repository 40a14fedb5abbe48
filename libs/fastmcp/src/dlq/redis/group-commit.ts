/** Most items sent together, and most bytes of them, so one batch keeps Redis busy briefly. */
const MAX_ITEMS = 32;
const MAX_BYTES = 512 * 1024;
/**
 * Batches on the wire at once: Node builds the next while Redis runs one (in bursts of 64 stores,
 * 4 made more stores a second than 1 or 2, and 8 no more than 4).
 */
const MAX_IN_FLIGHT = 4;

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items that arrive while batches are in flight go together in the next one, so 64
 * concurrent writes cost a few round trips and script runs, not 64. A lone item goes at once. A
 * batch that fails rejects each of its items with the error, as if each had been sent alone.
 */
export class GroupCommit<T, R> {
  private readonly waiting: Array<Waiting<T, R>> = [];
  private inFlight = 0;
  private readonly idleWaiters: Array<() => void> = [];

  /** `send` answers one result per item, in order; `bytes` weighs an item for `MAX_BYTES`. */
  constructor(
    private readonly send: (items: T[]) => Promise<R[]>,
    private readonly bytes: (item: T) => number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.inFlight < MAX_IN_FLIGHT) void this.sendNext();
    });
  }

  /** Resolves once every item submitted so far has its answer (a connection closes after). */
  async idle(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private async sendNext(): Promise<void> {
    this.inFlight += 1;
    try {
      while (this.waiting.length > 0) await this.sendBatch(this.takeBatch());
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private takeBatch(): Array<Waiting<T, R>> {
    let size = 0;
    let count = 0;
    while (count < this.waiting.length && count < MAX_ITEMS) {
      size += this.bytes(this.waiting[count].item);
      if (count > 0 && size > MAX_BYTES) break;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }

  private async sendBatch(batch: Array<Waiting<T, R>>): Promise<void> {
    try {
      const results = await this.send(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}

import { McpAbortedError, type Clock } from '@app/fastmcp';

/**
 * A clock for tests: `now()` moves only when a sleep ends or `advance()` is called.
 * In `auto` mode a sleep ends at once (time jumps); otherwise it waits for `advance()`.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private time: number;
  private readonly waiting: Array<{ until: number; resolve: () => void }> = [];

  constructor(
    start = Date.parse('2026-01-01T00:00:00Z'),
    private readonly auto = true,
  ) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(new McpAbortedError());
    if (this.auto) {
      this.time += ms;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = { until: this.time + ms, resolve };
      this.waiting.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          // An abort after the sleep ended must not take another sleep's place in the list.
          const at = this.waiting.indexOf(entry);
          if (at < 0) return;
          this.waiting.splice(at, 1);
          reject(new McpAbortedError());
        },
        { once: true },
      );
    });
  }

  advance(ms: number): void {
    this.time += ms;
    for (const entry of [...this.waiting]) {
      if (entry.until <= this.time) {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        entry.resolve();
      }
    }
  }

  get pendingSleeps(): number {
    return this.waiting.length;
  }
}

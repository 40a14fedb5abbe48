import { DLQ_BUFFER_RETRY_INITIAL_MS, DLQ_BUFFER_RETRY_MAX_MS } from './dlq.constants.js';
import type { FailedOperation } from './failed-operation.interface.js';

export interface DlqWriteBufferHooks {
  /**
   * Writes one entry; must be idempotent by id (a retried write never duplicates).
   * `mayHaveLanded`: an earlier write of it failed in a way that may have reached the store.
   * `storedBefore`: the memory store's entry, stored (and counted) before it was spilled.
   */
  write(entry: FailedOperation, mayHaveLanded: boolean, storedBefore: boolean): Promise<void>;
  /** False when a write's failure shows it never reached the store. */
  mayHaveLanded(error: unknown): boolean;
  /** False when retrying cannot help (the failure is not the store's): the entry goes to `lost`. */
  retryable(error: unknown): boolean;
  flushed(count: number): void;
  /** `firstWrite`: the entry never reached the buffer (full or closed) rather than being held in it. */
  lost(entry: FailedOperation, reason: string, error: unknown, firstWrite: boolean): void;
}

const UNRETRYABLE = 'write failed for a reason a retry cannot mend';

export interface DlqWriteBufferTiming {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** A held entry, and whether a failed write of it may have reached the store all the same. */
export interface BufferedEntry {
  entry: FailedOperation;
  mayHaveLanded: boolean;
  /** The memory store's entry coming back: written apart, never counted or folded again. */
  storedBefore?: boolean;
}

/**
 * A bounded in-process buffer of entries the store could not write. Retries in the background
 * with exponential backoff (unref'd timers), in order, one write at a time. An entry whose write
 * fails for a reason retrying cannot mend is handed to `lost` at once, so it never holds back
 * the entries behind it.
 */
export class DlqWriteBuffer {
  private readonly entries: BufferedEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private delayMs: number;
  private closed = false;
  private lastError: unknown;

  constructor(
    private readonly capacity: number,
    private readonly hooks: DlqWriteBufferHooks,
    private readonly timing: DlqWriteBufferTiming = {
      initialDelayMs: DLQ_BUFFER_RETRY_INITIAL_MS,
      maxDelayMs: DLQ_BUFFER_RETRY_MAX_MS,
    },
  ) {
    this.delayMs = timing.initialDelayMs;
  }

  get size(): number {
    return this.entries.length;
  }

  /** True when a push would be refused (full, or closed for shutdown). */
  get refusing(): boolean {
    return this.closed || this.entries.length >= this.capacity;
  }

  /**
   * Holds the entry for a later write; false (and logged as lost) when full or closed.
   * `mayHaveLanded`: an earlier failed write of it (before `error`'s) may have reached the store.
   */
  push(
    entry: FailedOperation,
    error: unknown,
    mayHaveLanded = false,
    storedBefore = false,
  ): boolean {
    if (this.refusing) {
      this.hooks.lost(entry, this.closed ? 'shutting down' : 'buffer full', error, true);
      return false;
    }
    if (!this.hooks.retryable(error)) {
      this.hooks.lost(entry, UNRETRYABLE, error, true);
      return false;
    }
    this.lastError = error;
    const landed = mayHaveLanded || this.hooks.mayHaveLanded(error);
    this.entries.push(
      storedBefore
        ? { entry, mayHaveLanded: landed, storedBefore }
        : { entry, mayHaveLanded: landed },
    );
    this.schedule(this.delayMs);
    return true;
  }

  /** Removes and returns every held entry, oldest first (to spill them elsewhere). */
  takeAll(): BufferedEntry[] {
    return this.entries.splice(0);
  }

  /** The store works again: try the buffered entries now. */
  kick(): void {
    if (this.entries.length > 0 && !this.flushing) {
      this.delayMs = this.timing.initialDelayMs;
      this.schedule(0);
    }
  }

  /** One pass: writes in order until one fails. Resolves when the pass ends. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stops retrying; tries one last pass, then logs each entry still unwritten as lost. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    for (const { entry } of this.entries.splice(0)) {
      this.hooks.lost(entry, 'shutdown with entry unwritten', this.lastError, false);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    let count = 0;
    while (this.entries.length > 0) {
      const held = this.entries[0];
      try {
        await this.hooks.write(held.entry, held.mayHaveLanded, held.storedBefore === true);
      } catch (error) {
        if (!this.hooks.retryable(error)) {
          this.entries.shift();
          this.hooks.lost(held.entry, UNRETRYABLE, error, false);
          continue;
        }
        this.lastError = error;
        held.mayHaveLanded ||= this.hooks.mayHaveLanded(error);
        this.delayMs = Math.min(this.delayMs * 2, this.timing.maxDelayMs);
        this.schedule(this.delayMs);
        break;
      }
      this.entries.shift();
      count++;
    }
    if (this.entries.length === 0) this.delayMs = this.timing.initialDelayMs;
    if (count > 0) this.hooks.flushed(count);
  }
}

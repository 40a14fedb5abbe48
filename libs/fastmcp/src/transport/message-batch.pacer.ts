import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Abortable, throwIfAborted } from '../retry/abort-handle.js';

/** Messages handled in one turn of the event loop before the reader lets timers run. */
export const MESSAGES_PER_TURN = 100;

/**
 * Paces the handling of an answer's messages: after every MESSAGES_PER_TURN of them the reader
 * yields to the event loop, so the attempt's timer can fire, and stops with the signal's reason
 * if it did (or the caller aborted). An answer of a few messages never waits.
 */
export class MessagePacer {
  private handled = 0;

  constructor(private readonly signal: Abortable | undefined) {}

  /** Counts one handled message; true when the reader should `yield()` before the next. */
  due(): boolean {
    this.handled += 1;
    return this.handled % MESSAGES_PER_TURN === 0;
  }

  /** Lets the event loop run; throws the signal's reason if it aborted meanwhile. */
  async yield(): Promise<void> {
    await nextTurn();
    throwIfAborted(this.signal);
  }
}

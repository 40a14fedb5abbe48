import { setTimeout as sleep } from 'node:timers/promises';
import { isFastMcpError } from '../../errors/fastmcp.error.js';
import { writeMayHaveLanded } from '../core/dlq-late-write.js';
import type { LeaseKeeper } from './lease-keeper.js';

/** Retries of a replay's end while the store is away: first delay and cap, in ms. */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 1000;

/**
 * Writes a replay's end: the entry's removal, its failure, or the lease given back untouched.
 * A write the store refused without running it (Redis away) is tried again with backoff while
 * the lease surely holds, since a lease that runs out marks the entry deliveryUnknown (a call
 * that may have run) whatever the call did: a brief outage must not end there. A write that may
 * have run (it timed out) is not tried again: the lease check could not tell its own landed end
 * from a lease lost to another replay. Stops when `closing` says the queue is closing.
 */
export async function writeReplayEnd<T>(
  write: () => Promise<T>,
  lease: LeaseKeeper,
  closing: () => boolean,
): Promise<T> {
  let delayMs = FIRST_DELAY_MS;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      if (!neverSent(error) || closing() || !lease.holdsFor(delayMs)) throw error;
      await sleep(delayMs, undefined, { ref: false });
      delayMs = Math.min(delayMs * 2, MAX_DELAY_MS);
    }
  }
}

/** A store failure that shows the write never left this process. */
function neverSent(error: unknown): boolean {
  return !isFastMcpError(error) && !writeMayHaveLanded(error);
}

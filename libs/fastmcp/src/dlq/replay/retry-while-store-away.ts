import { setTimeout as sleep } from 'node:timers/promises';
import { isDlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { isFastMcpError } from '../../errors/fastmcp.error.js';
import { writeMayHaveLanded } from '../core/dlq-late-write.js';
import type { LeaseKeeper } from './lease-keeper.js';

/** Retries while the store is away: first delay and cap, in ms. */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 1000;

/**
 * Runs `work` (a step of a replay or of a bulk job under `lease`) again with backoff while it
 * fails because the store is away and the request never left this process, and while the lease
 * surely holds: a lease that runs out leaves its work to another holder (a replay's entry marked
 * deliveryUnknown, a job's chunk taken over), whatever was done, so a brief outage must not end
 * there. A request that may have been applied (it timed out) is not sent again: the lease check
 * could not tell its own landed request from a lease lost to another holder. Stops when
 * `stopping` says so (the queue closes, the app shuts down); then the last error is thrown.
 */
export async function retryWhileStoreAway<T>(
  work: () => Promise<T>,
  lease: LeaseKeeper,
  stopping: () => boolean,
): Promise<T> {
  let delayMs = FIRST_DELAY_MS;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!neverSent(error) || stopping() || !lease.holdsFor(delayMs)) throw error;
      await sleep(delayMs, undefined, { ref: false });
      delayMs = Math.min(delayMs * 2, MAX_DELAY_MS);
    }
  }
}

/** A store failure (as is, or as DlqUnavailableError) showing the request never left. */
function neverSent(error: unknown): boolean {
  const storeFailure = !isFastMcpError(error) || isDlqUnavailableError(error);
  return storeFailure && !writeMayHaveLanded(error);
}

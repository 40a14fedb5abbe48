import { afterEach, describe, expect, it } from 'vitest';
import { DlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { LeaseKeeper } from './lease-keeper.js';
import { retryWhileStoreAway } from './retry-while-store-away.js';

const NOT_SENT = new Error("Stream isn't writeable and enableOfflineQueue options is false");

describe('retryWhileStoreAway', () => {
  const leases: LeaseKeeper[] = [];
  const lease = (leaseMs: number, renew = () => Promise.resolve(true)) => {
    const kept = new LeaseKeeper(renew, leaseMs, 'test lease');
    leases.push(kept);
    return kept;
  };

  afterEach(async () => {
    for (const kept of leases.splice(0)) await kept.stop();
  });

  /** A write that fails with `error` `failures` times, then answers 'ok'. */
  function failing(failures: number, error: Error) {
    let calls = 0;
    const write = () => (++calls > failures ? Promise.resolve('ok') : Promise.reject(error));
    return { write, calls: () => calls };
  }

  it('tries a write that was never sent again until the store takes it', async () => {
    const { write, calls } = failing(3, NOT_SENT);
    await expect(retryWhileStoreAway(write, lease(10_000), () => false)).resolves.toBe('ok');
    expect(calls()).toBe(4);
  });

  it('tries again the same failure as DlqUnavailableError (a replay that could not begin)', async () => {
    const unavailable = new DlqUnavailableError(NOT_SENT.message, { cause: NOT_SENT });
    const { write, calls } = failing(2, unavailable);
    await expect(retryWhileStoreAway(write, lease(10_000), () => false)).resolves.toBe('ok');
    expect(calls()).toBe(3);
  });

  it('does not try again a write that may have landed (a timeout)', async () => {
    const { write, calls } = failing(1, new Error('Command timed out'));
    await expect(retryWhileStoreAway(write, lease(10_000), () => false)).rejects.toThrow(
      'timed out',
    );
    expect(calls()).toBe(1);
  });

  it("does not try again the module's own errors", async () => {
    const { write, calls } = failing(1, new DlqUnavailableError('the dead-letter queue is off'));
    await expect(retryWhileStoreAway(write, lease(10_000), () => false)).rejects.toThrow('is off');
    expect(calls()).toBe(1);
  });

  it('gives up before the lease would run out, with the last error', async () => {
    const { write, calls } = failing(Infinity, NOT_SENT);
    const short = lease(400, () => Promise.reject(NOT_SENT));
    await expect(retryWhileStoreAway(write, short, () => false)).rejects.toBe(NOT_SENT);
    // At 0, 100 and 300 ms; a wait of 400 ms more would pass the lease.
    expect(calls()).toBeGreaterThan(1);
    expect(calls()).toBeLessThanOrEqual(3);
  });

  it('gives up once the queue is closing', async () => {
    const { write, calls } = failing(Infinity, NOT_SENT);
    let closing = false;
    setTimeout(() => (closing = true), 150);
    await expect(retryWhileStoreAway(write, lease(10_000), () => closing)).rejects.toBe(NOT_SENT);
    expect(calls()).toBeGreaterThan(1);
    expect(calls()).toBeLessThan(5);
  });
});

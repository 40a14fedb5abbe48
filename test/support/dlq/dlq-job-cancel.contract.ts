import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DlqStorage } from '../../../libs/fastmcp/src/dlq/core/dlq-storage.interface.js';
import type { BulkReplayJob } from '../../../libs/fastmcp/src/dlq/replay/bulk-replay-job.interface.js';
import type { DlqContractTarget } from './dead-letter-queue.contract.js';
import { type DlqInstance, FakeReplayer, TestClock } from './dlq-test-context.js';

const ID = '00000000-0000-4000-8000-000000000003';

function job(fields: Partial<BulkReplayJob> = {}): BulkReplayJob {
  return {
    id: ID,
    state: 'running',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    filter: {},
    ratePerSecond: 10,
    concurrency: 2,
    force: false,
    total: 5,
    done: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    ...fields,
  };
}

const record = (fields: Partial<BulkReplayJob>) => ({ id: ID, state: JSON.stringify(job(fields)) });

/**
 * The storage as `cancel()` sees it, where `save` lands after whatever the cancel read and just
 * before its first write: the runner's progress save racing the cancel, at its worst moment.
 */
function racing(storage: DlqStorage, save: () => Promise<void>): DlqStorage {
  let landed = false;
  return new Proxy(storage, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function' || key === 'job') return value;
      return async (...args: unknown[]): Promise<unknown> => {
        if (!landed) {
          landed = true;
          await save();
        }
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

/** Cancelling a bulk replay job changes only its state, whatever the runner saves meanwhile. */
export function dlqJobCancelContract(name: string, target: DlqContractTarget): void {
  describe(`${name}: cancelling a bulk replay job`, () => {
    let a: DlqInstance;
    let storage: DlqStorage;
    const stored = async () => JSON.parse((await storage.job(ID))!.state) as BulkReplayJob;

    beforeEach(async () => {
      const store = await target.open({}, new TestClock(), new FakeReplayer());
      a = await store.boot();
      storage = a.dlq.activeStorage();
      await storage.saveJob(record({}), ['a', 'b', 'c', 'd', 'e']);
    });

    afterEach(async () => {
      vi.restoreAllMocks();
      await a.module.close();
    });

    it('keeps the counts of a progress save that landed between the cancel read and its write', async () => {
      const progress = record({ done: 2, succeeded: 1, failed: 1 });
      const raced = racing(storage, () => storage.saveJob(progress));
      vi.spyOn(a.dlq, 'activeStorage').mockReturnValue(raced);

      const cancelled = await a.jobs.cancel(ID);

      const expected = { state: 'cancelled', done: 2, succeeded: 1, failed: 1, skipped: 0 };
      expect(cancelled).toMatchObject(expected);
      expect(await stored()).toMatchObject(expected);
    });

    it('leaves a job that finished between the cancel read and its write as it finished', async () => {
      const finished = job({ state: 'done', done: 5, succeeded: 5, updatedAt: 'finished' });
      const raced = racing(storage, () =>
        storage.saveJob({ id: ID, state: JSON.stringify(finished) }),
      );
      vi.spyOn(a.dlq, 'activeStorage').mockReturnValue(raced);

      expect(await a.jobs.cancel(ID)).toEqual(finished);
      expect(await stored()).toEqual(finished);
    });

    it('sets only the state and updatedAt of a running job, keeping every stored count', async () => {
      await storage.saveJob(record({ done: 3, succeeded: 1, failed: 1, skipped: 1 }));

      const after = await storage.cancelJob(ID, '2026-01-02T00:00:00.000Z');

      const expected = job({ done: 3, succeeded: 1, failed: 1, skipped: 1 });
      Object.assign(expected, { state: 'cancelled', updatedAt: '2026-01-02T00:00:00.000Z' });
      expect(JSON.parse(after!.state)).toEqual(expected);
      expect(await stored()).toEqual(expected);
    });

    it('changes nothing of a finished job, and answers null for an unknown one', async () => {
      const finished = job({ state: 'done', done: 5, succeeded: 5 });
      await storage.saveJob({ id: ID, state: JSON.stringify(finished) });

      const after = await storage.cancelJob(ID, '2026-01-02T00:00:00.000Z');

      expect(JSON.parse(after!.state)).toEqual(finished);
      expect(await stored()).toEqual(finished);
      expect(await storage.cancelJob('00000000-0000-4000-8000-00000000ffff', 'now')).toBeNull();
    });

    it('keeps a cancelled job cancelled, with the counts of a progress save after the cancel', async () => {
      await storage.cancelJob(ID, '2026-01-02T00:00:00.000Z');

      await storage.saveJob(record({ done: 2, succeeded: 2 }));

      expect(await stored()).toMatchObject({ state: 'cancelled', done: 2, succeeded: 2 });
    });
  });
}

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DlqStorage } from '../../../libs/fastmcp/src/dlq/core/dlq-storage.interface.js';
import type { FailedOperation } from '../../../libs/fastmcp/src/dlq/core/failed-operation.interface.js';
import type { BulkReplayJob } from '../../../libs/fastmcp/src/dlq/replay/bulk-replay-job.interface.js';
import { isReplayConflictError } from '../../../libs/fastmcp/src/errors/replay-conflict.error.js';
import type { DlqOptions } from '../../../libs/fastmcp/src/options/dlq-options.interface.js';
import type { DlqContractTarget } from './dead-letter-queue.contract.js';
import {
  type DlqInstance,
  eventsNamed,
  FakeReplayer,
  failedInput,
  TestClock,
} from './dlq-test-context.js';

const LEASE_MS = 100;

/**
 * A replay left `replaying` by an instance that died (or lost the store) may have run. The replay
 * that finds it so reports it, marks it `deliveryUnknown` and does not run it, even with `force`:
 * that force was decided before this uncertainty arose. A later forced replay runs it.
 */
export function dlqAbandonedReplayContract(name: string, target: DlqContractTarget): void {
  describe(`${name}: a replay that finds an abandoned replay`, () => {
    let clock: TestClock;
    let replayer: FakeReplayer;
    let a: DlqInstance;
    let storage: DlqStorage;

    async function setup(options: DlqOptions = {}): Promise<void> {
      const store = await target.open({ replayLeaseMs: LEASE_MS, ...options }, clock, replayer);
      a = await store.boot();
      storage = a.dlq.activeStorage();
    }

    /** An entry whose replay started on an instance that then died: its lease has run out. */
    async function abandoned(): Promise<FailedOperation> {
      const entry = await a.dlq.store(failedInput());
      await storage.beginReplay(entry.id, 'died', LEASE_MS, clock.now());
      // Redis leases run out on Redis's clock, the memory store's on the test clock.
      await sleep(LEASE_MS + 50);
      clock.advance(LEASE_MS + 50);
      return entry;
    }

    beforeEach(async () => {
      clock = new TestClock();
      replayer = new FakeReplayer();
      await setup();
    });

    afterEach(async () => {
      vi.restoreAllMocks();
      await a.module.close();
    });

    it('begin replay of an abandoned entry reports abandoned, marks it and drops its redrive', async () => {
      await a.module.close();
      await setup({ redrive: [{ after: 60_000 }] });
      const entry = await a.dlq.store(failedInput());
      expect(entry.nextRedriveAt).toBeDefined();
      expect(await storage.dueCount()).toBe(1);

      const first = await storage.beginReplay(entry.id, 'first', LEASE_MS, clock.now());
      expect(first.abandoned).toBe(false);
      expect(first.entry).toMatchObject({ id: entry.id, status: 'replaying' });
      expect(first.entry.deliveryUnknown).toBeUndefined();
      // Its lease is live: another begin is a conflict, not an abandoned replay.
      const conflict = await storage
        .beginReplay(entry.id, 'other', LEASE_MS, clock.now())
        .catch((e: unknown) => e);
      expect(isReplayConflictError(conflict)).toBe(true);

      await sleep(LEASE_MS + 50);
      clock.advance(LEASE_MS + 50);
      const second = await storage.beginReplay(entry.id, 'second', 60_000, clock.now());

      expect(second.abandoned).toBe(true);
      expect(second.entry).toMatchObject({
        id: entry.id,
        status: 'replaying',
        deliveryUnknown: true,
      });
      expect(second.entry.nextRedriveAt).toBeUndefined();
      expect((await storage.read([entry.id]))[0]).toEqual(second.entry);
      expect(await storage.dueCount()).toBe(0);
      expect(await storage.liveLeases([entry.id], clock.now())).toEqual(new Set([entry.id]));

      // Written back `dead` (still deliveryUnknown), the next begin finds nothing abandoned.
      const dead = { ...second.entry, status: 'dead' as const };
      expect(await storage.finishReplayFailure(entry.id, 'second', dead, -1, clock.now())).toBe(
        'ok',
      );
      const third = await storage.beginReplay(entry.id, 'third', LEASE_MS, clock.now());
      expect(third.abandoned).toBe(false);
      expect(third.entry).toMatchObject({ status: 'replaying', deliveryUnknown: true });
    });

    it('refuses a forced replay of an abandoned entry, sending nothing; a later forced one runs it', async () => {
      const entry = await abandoned();

      const refused = await a.replays.replay(entry.id, { force: true }).catch((e: unknown) => e);

      expect(isReplayConflictError(refused)).toBe(true);
      expect(String(refused)).toContain('previous replay was abandoned');
      expect(String(refused)).toContain('delivery is unknown');
      expect(replayer.calls).toHaveLength(0);
      expect(await a.dlq.get(entry.id)).toMatchObject({ status: 'dead', deliveryUnknown: true });
      expect(await storage.liveLeases([entry.id], clock.now())).toEqual(new Set());
      expect(eventsNamed(a.events, 'dlq.replayed')).toEqual([{ id: entry.id, result: 'conflict' }]);

      await expect(a.replays.replay(entry.id, { force: true })).resolves.toMatchObject({
        id: entry.id,
      });
      expect(replayer.calls.map((c) => c.id)).toEqual([entry.id]);
      expect(await a.dlq.get(entry.id)).toBeNull();
    });

    it('a forced bulk job counts an abandoned entry as skipped and runs the others', async () => {
      const left = await abandoned();
      const other = await a.dlq.store(failedInput());

      const job = await a.jobs.start({ force: true, ratePerSecond: 1000 });
      await a.jobs.settled(job.id);

      expect(await a.jobs.get(job.id)).toMatchObject({
        state: 'done',
        total: 2,
        done: 2,
        succeeded: 1,
        skipped: 1,
      });
      expect(replayer.calls.map((c) => c.id)).toEqual([other.id]);
      expect(await a.dlq.get(left.id)).toMatchObject({ status: 'dead', deliveryUnknown: true });

      // The operator, seeing it now, forces it again: it runs.
      const again = await a.jobs.start({ force: true, ratePerSecond: 1000 });
      await a.jobs.settled(again.id);
      expect(await a.jobs.get(again.id)).toMatchObject({ state: 'done', succeeded: 1 });
      expect(replayer.calls.map((c) => c.id)).toEqual([other.id, left.id]);
    });

    it('a forced job taken over from a dead instance skips the entry that instance was replaying', async () => {
      const entry = await a.dlq.store(failedInput());
      const id = randomUUID();
      const now = new Date(clock.now()).toISOString();
      const job: BulkReplayJob = {
        id,
        state: 'running',
        createdAt: now,
        updatedAt: now,
        filter: {},
        ratePerSecond: 1000,
        concurrency: 1,
        force: true,
        total: 1,
        done: 0,
        succeeded: 0,
        failed: 0,
        skipped: 0,
      };
      // The dead instance had started the job's replay of the entry, and recorded no progress.
      await storage.saveJob({ id, state: JSON.stringify(job) }, [entry.id]);
      await storage.beginReplay(entry.id, 'died', LEASE_MS, clock.now());
      await sleep(LEASE_MS + 50);
      clock.advance(LEASE_MS + 50);

      expect(await a.jobs.resumeOrphans()).toBe(1);
      await a.jobs.settled(id);

      expect(await a.jobs.get(id)).toMatchObject({ state: 'done', done: 1, skipped: 1 });
      expect(replayer.calls).toHaveLength(0);
      expect(await a.dlq.get(entry.id)).toMatchObject({ status: 'dead', deliveryUnknown: true });
    });
  });
}

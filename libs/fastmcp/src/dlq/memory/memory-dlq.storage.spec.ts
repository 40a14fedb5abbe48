import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  dlqContract,
  type DlqContractTarget,
} from '../../../../../test/support/dlq/dead-letter-queue.contract.js';
import { dlqAbandonedReplayContract } from '../../../../../test/support/dlq/dlq-abandoned-replay.contract.js';
import { dlqJobCancelContract } from '../../../../../test/support/dlq/dlq-job-cancel.contract.js';
import { dlqOperationsContract } from '../../../../../test/support/dlq/dlq-operations.contract.js';
import {
  bootDlq,
  type DlqInstance,
  FakeReplayer,
  failedInput,
  TestClock,
} from '../../../../../test/support/dlq/dlq-test-context.js';
import { isDlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { DeadLetterQueueService } from '../core/dead-letter-queue.service.js';
import { DLQ_TOMBSTONE_MS } from '../core/dlq.constants.js';
import { DlqIdGenerator } from '../core/dlq-id.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import { DLQ_STORAGE } from '../core/dlq-storage.token.js';
import { DlqReplayService } from '../replay/dlq-replay.service.js';
import { MemoryDlqStorage } from './memory-dlq.storage.js';

const target: DlqContractTarget = {
  open: (options, clock, replayer) => {
    let instance: Promise<DlqInstance> | undefined;
    return Promise.resolve({
      // One process, one store: a second "instance" is the same service.
      boot: () => (instance ??= bootDlq({ ...options, store: 'memory' }, clock, replayer)),
      sweep: (booted) => booted.dlq.sweepExpired(),
    });
  },
};

dlqContract('MemoryDlqStorage', target);
dlqOperationsContract('MemoryDlqStorage', target);
dlqJobCancelContract('MemoryDlqStorage', target);
dlqAbandonedReplayContract('MemoryDlqStorage', target);

describe('dlqProviders', () => {
  it('resolves DeadLetterQueueService over the memory storage by default', async () => {
    const { module, dlq } = await bootDlq({}, new TestClock(), new FakeReplayer());
    expect(dlq.enabled).toBe(true);
    expect(dlq.storeKind).toBe('memory');
    expect(module.get(DLQ_STORAGE)).toBeInstanceOf(MemoryDlqStorage);
    const entry = await dlq.store(failedInput());
    expect(await dlq.get(entry.id)).toEqual(entry);
    await module.close();
  });

  it('still resolves DeadLetterQueueService with dlq: false, which refuses every read', async () => {
    const { module } = await bootDlq(false, new TestClock(), new FakeReplayer());
    const queue = module.get(DeadLetterQueueService);
    expect(queue.enabled).toBe(false);
    expect(module.get(DlqReplayService)).toBeInstanceOf(DlqReplayService);
    const error = await queue.list().catch((e: unknown) => e);
    expect(isDlqUnavailableError(error)).toBe(true);
    expect(String(error)).toContain('dlq: false');
    await module.close();
  });
});

describe('MemoryDlqStorage jobs', () => {
  it('keeps the latest 1000 jobs, as the Redis job list does', async () => {
    const storage = new MemoryDlqStorage();
    const ids = Array.from({ length: 1005 }, (_, i) => `job-${String(i).padStart(4, '0')}`);
    for (const id of ids) await storage.saveJob({ id, state: JSON.stringify({ state: 'done' }) });
    // A later save of a kept job changes nothing of the order.
    await storage.saveJob({ id: ids[5], state: JSON.stringify({ state: 'done' }) });
    const kept = await storage.jobIds(2000);
    expect(kept).toHaveLength(1000);
    expect(new Set(kept)).toEqual(new Set(ids.slice(5)));
    expect(await storage.job(ids[4])).toBeNull();
  });
});

describe('MemoryDlqStorage tombstones', () => {
  afterEach(() => vi.useRealTimers());

  it('forgets the tombstones of deletes past their life, with no insert to prune them', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const storage = new MemoryDlqStorage();
    const tombstones = (): number => storage['tombstones'].size;
    for (let i = 0; i < 12_000; i++) await storage.remove(`gone-${i}`);
    expect(tombstones()).toBe(12_000);

    vi.setSystemTime(Date.now() + DLQ_TOMBSTONE_MS + 1);
    await storage.remove('gone-last');
    expect(tombstones()).toBe(1);

    for (let i = 0; i < 12_000; i++) await storage.remove(`gone-${i}`);
    vi.setSystemTime(Date.now() + DLQ_TOMBSTONE_MS + 1);
    await storage.sweep('expired', Date.now(), Date.now(), () => undefined);
    expect(tombstones()).toBe(0);
  });
});

describe('MemoryDlqStorage fingerprints', () => {
  afterEach(() => vi.useRealTimers());

  /** Stores an entry that claims `fingerprint` for `windowMs` (dedup). */
  function storeWithFingerprint(
    storage: MemoryDlqStorage,
    ids: DlqIdGenerator,
    fingerprint: string,
    windowMs: number,
  ) {
    const entry = {
      ...failedInput(),
      id: ids.next(Date.now()),
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      replayCount: 0,
      status: 'dead',
    } as FailedOperation;
    const options = { nowMs: Date.now(), dueAt: 0, fingerprint, dedupWindowMs: windowMs };
    return storage.insert(entry, options);
  }

  it('forgets fingerprints past their window, reading them at most once a second', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const storage = new MemoryDlqStorage();
    const ids = new DlqIdGenerator();
    const fingerprints = (): number => storage['fingerprints'].size;
    for (let i = 0; i < 12_000; i++) {
      expect((await storeWithFingerprint(storage, ids, `f${i}`, 500)).kind).toBe('stored');
    }
    expect(fingerprints()).toBe(12_000);

    // Past their window, but not a second since the last pass (at 10,000): they stay a while.
    vi.setSystemTime(Date.now() + 600);
    await storeWithFingerprint(storage, ids, 'late-1', 500);
    expect(fingerprints()).toBe(12_001);

    vi.setSystemTime(Date.now() + 500);
    await storeWithFingerprint(storage, ids, 'late-2', 500);
    expect(fingerprints()).toBe(1);
  });

  it('passes over them at once when they have doubled since the last pass', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const storage = new MemoryDlqStorage();
    const ids = new DlqIdGenerator();
    const fingerprints = (): number => storage['fingerprints'].size;
    // Each expires 1 ms after its store, and the clock never moves a second.
    for (let i = 0; i < 20_000; i++) {
      await storeWithFingerprint(storage, ids, `f${i}`, 1);
      vi.setSystemTime(Date.now() + (i % 1000 === 999 ? 1 : 0));
    }
    // The pass at 10,000 kept 10,000 (none had expired); at 20,000 those go.
    expect(fingerprints()).toBeLessThan(10_001);
  });
});

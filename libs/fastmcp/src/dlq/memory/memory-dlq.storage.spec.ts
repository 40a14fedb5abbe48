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

/**
 * The in-memory DLQ (the default store): CPU time of one `store()` with the queue empty and with
 * `entries` held, every one still inside its dedup window (a live fingerprint each). A store
 * should cost the same at both sizes: a ratio near 1x. Then, with `entries` held (1 in 1,000 of
 * priority `high`), the reads that go through all of them: `getStats()`, a page of the rare
 * priority and `timeline()`; and, with `entries` due for redrive, a redrive round's read of the
 * first 100 due. Each blocks the event loop while it runs.
 *
 *   node bench/run-ts.mjs bench/dlq-memory.ts [--entries 100000]
 */
import { performance } from 'node:perf_hooks';
import { DlqIdGenerator } from '../libs/fastmcp/src/dlq/core/dlq-id.js';
import { bootDlq, FakeReplayer, failedInput } from '../test/support/dlq/dlq-test-context.js';
import type { DeadLetterQueueService } from '../libs/fastmcp/src/dlq/core/dead-letter-queue.service.js';
import { median } from './support/stats.js';

const MEASURED_STORES = 5_000;
const MEASURED_READS = 20;

export interface DlqMemoryFigures {
  /** CPU time (us) of a store into an empty queue. */
  emptyCpuMicros: number;
  /** CPU time (us) of a store into a queue holding `entries`. */
  fullCpuMicros: number;
  /** full / empty. */
  ratio: number;
  /** Median ms of each read with `entries` held. */
  statsMs: number;
  rarePriorityPageMs: number;
  timelineMs: number;
  /** Median ms of a redrive round's read (the first 100 due) with `entries` due. */
  dueRoundMs: number;
}

async function medianMs(run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < MEASURED_READS; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function cpuPerStore(queue: DeadLetterQueueService, count: number): Promise<number> {
  const inputs = Array.from({ length: count }, (_, i) =>
    failedInput({ clientId: `c${i % 50}`, priority: i % 1000 === 999 ? 'high' : 'normal' }),
  );
  const before = process.cpuUsage();
  for (const input of inputs) await queue.store(input);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

export async function measureDlqMemory(entries: number): Promise<DlqMemoryFigures> {
  const { module, dlq: queue } = await bootDlq(
    { store: 'memory', maxEntries: entries * 2 },
    { now: () => Date.now() },
    new FakeReplayer(),
    [],
    { recordEvents: false },
  );
  try {
    await cpuPerStore(queue, MEASURED_STORES); // warm-up
    await queue.cleanup(0);
    const emptyCpuMicros = await cpuPerStore(queue, MEASURED_STORES);
    await cpuPerStore(queue, entries - MEASURED_STORES);
    const fullCpuMicros = await cpuPerStore(queue, MEASURED_STORES);
    return {
      emptyCpuMicros,
      fullCpuMicros,
      ratio: fullCpuMicros / emptyCpuMicros,
      statsMs: await medianMs(() => queue.getStats()),
      rarePriorityPageMs: await medianMs(() => queue.getByPriority('high', { limit: 100 })),
      timelineMs: await medianMs(() =>
        queue.timeline({ bucketMs: 3600_000, buckets: 24, classes: 7 }),
      ),
      dueRoundMs: await measureDueRound(queue, entries),
    };
  } finally {
    await module.close();
  }
}

/**
 * Empties the queue and fills it with `entries` due for redrive an hour on (a millisecond apart,
 * through the storage's insert, as a redrive policy's stores would), then times the read a
 * redrive round makes once they are due.
 */
async function measureDueRound(queue: DeadLetterQueueService, entries: number): Promise<number> {
  const template = await queue.store(failedInput());
  await queue.cleanup(0);
  const storage = queue.activeStorage();
  const ids = new DlqIdGenerator();
  const nowMs = Date.now();
  const dueFrom = nowMs + 3600_000;
  for (let i = 0; i < entries; i++) {
    const entry = { ...template, id: ids.next(nowMs) };
    await storage.insert(entry, { nowMs, dueAt: dueFrom + i, fingerprint: '-', dedupWindowMs: 0 });
  }
  return medianMs(() => storage.due(dueFrom + entries, 100));
}

export async function main(args: string[]): Promise<number> {
  const at = args.indexOf('--entries');
  console.table(await measureDlqMemory(at >= 0 ? Number(args[at + 1]) : 100_000));
  return 0;
}

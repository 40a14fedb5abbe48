/**
 * The Redis DLQ on real servers started here (never 6379): a single `redis-server`, or a
 * 3-master Redis Cluster (`redis-cli --cluster create`).
 *  - store() latency p50/p99, CPU per call (Node's and Redis's) and throughput with 64 in
 *    flight, against plain ioredis SET+ZADD of the same JSON on the same connection; the same
 *    ratios again with the queue at its cap (every store evicts: 10,000 entries kept);
 *  - with `entries` stored: a page of 100 from list() (first page and at half depth), from
 *    each filter (client id, operation, error class, priority) and sorted by priority;
 *    getStats(); timeline(); cleanup() of all of them, with the process's peak RSS while it runs.
 *
 *   node bench/run-ts.mjs bench/dlq-store.ts [--entries 1000000] [--samples 2000] [--cluster]
 *
 * A plain script, not a `*.bench.ts` file: it needs percentiles and one-shot operations (a
 * cleanup of a million cannot be an iteration), and `vitest bench` would collect `*.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { Cluster, Redis } from 'ioredis';
import type { DeadLetterQueueService } from '../libs/fastmcp/src/dlq/core/dead-letter-queue.service.js';
import { DlqIdGenerator } from '../libs/fastmcp/src/dlq/core/dlq-id.js';
import type {
  FailedOperation,
  FailedOperationInput,
} from '../libs/fastmcp/src/dlq/core/failed-operation.interface.js';
import { DLQ_REDIS_CONNECTION_OPTIONS } from '../libs/fastmcp/src/dlq/redis/redis-dlq.connection.js';
import type { DlqRedisClient } from '../libs/fastmcp/src/dlq/redis/redis-client.js';
import { bootDlq, FakeReplayer, failedInput } from '../test/support/dlq/dlq-test-context.js';
import { startRedisCluster } from '../test/support/redis-cluster.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { median, percentile } from './support/stats.js';

const CLIENTS = 50;
const CONCURRENCY = 64;
/** Store and plain writes take turns this many times. */
const TURNS = 5;
/**
 * Calls in each throughput turn. A burst of 1,000 at 64 in flight lasts 30-60 ms, so one
 * young-generation GC or scheduler hiccup is a tenth of it: sustained rates need longer turns.
 */
const THROUGHPUT_CALLS_PER_TURN = 5_000;
const CLASSES = ['http_503', 'http_502', 'timeout', 'network', 'circuit_open'] as const;
const OPERATIONS = ['call_tool', 'call_tool', 'call_tool', 'list_tools', 'connect'] as const;
const PRIORITIES = ['normal', 'normal', 'normal', 'high', 'low'] as const;
/** The cap of the queue measured at its cap: filled to it first, so each store is past it. */
const AT_CAP_ENTRIES = 10_000;

function arg(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

/**
 * CPU time (us) Redis has used so far: its own count (`INFO cpu`), summed over the masters of a
 * cluster. Beside Node's `process.cpuUsage`, it gives a call's cost where the wall clock also
 * counts the machine waking one process for the other.
 */
async function redisCpuMicros(client: DlqRedisClient): Promise<number> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  let total = 0;
  for (const node of nodes) {
    const info = await node.info('cpu');
    for (const field of ['used_cpu_user', 'used_cpu_sys']) {
      total += Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
    }
  }
  return total * 1e6;
}

/** `timed`, and the CPU time (us) Node and Redis spent a call meanwhile. */
async function timedWithCpu(
  redis: DlqRedisClient,
  count: number,
  run: (i: number) => Promise<unknown>,
): Promise<{ samples: number[]; cpuMicros: number }> {
  const redisBefore = await redisCpuMicros(redis);
  const nodeBefore = process.cpuUsage();
  const samples = await timed(count, run);
  const node = process.cpuUsage(nodeBefore);
  const redisMicros = (await redisCpuMicros(redis)) - redisBefore;
  return { samples, cpuMicros: (node.user + node.system + redisMicros) / count };
}

async function timed(count: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Runs `count` calls with `CONCURRENCY` in flight; returns ops/s. */
async function throughput(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) await run(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return count / ((performance.now() - start) / 1000);
}

/** The figures of one run, in ms, ops/s and MiB (what `npm run bench` tabulates). */
export interface DlqStoreFigures {
  entryBytes: number;
  storeP50Ms: number;
  storeP99Ms: number;
  plainP50Ms: number;
  plainP99Ms: number;
  storePerSec: number;
  plainPerSec: number;
  /** CPU time of one sequential call, Node's and Redis's together (us). */
  storeCpuMicros: number;
  plainCpuMicros: number;
  /** store p50 / plain p50, the median of the turns' ratios. */
  p50Ratio: number;
  /** store CPU / plain CPU a sequential call, likewise. */
  cpuRatio: number;
  /** plain throughput / store throughput (how many times slower the store is), likewise. */
  throughputRatio: number;
  /** The two ratios again with the queue at its cap (AT_CAP_ENTRIES): each store evicts one. */
  atCapP50Ratio: number;
  atCapThroughputRatio: number;
  fillSeconds: number;
  listFirstPageP50Ms: number;
  listDeepPageP50Ms: number;
  clientPageP50Ms: number;
  operationPageP50Ms: number;
  errorClassPageP50Ms: number;
  priorityPageP50Ms: number;
  byPriorityPageP50Ms: number;
  statsP50Ms: number;
  /** `timeline()` of 24 hour-long buckets, 7 classes apart: what the console's chart reads. */
  timelineP50Ms: number;
  cleanupMs: number;
  cleanupPeakRssMiB: number;
  cleanupRssGrowthMiB: number;
}

export type DlqBenchTarget = 'single' | 'cluster';

interface Target {
  client: DlqRedisClient;
  redis: { client: DlqRedisClient };
  close(): Promise<void>;
}

async function openTarget(kind: DlqBenchTarget): Promise<Target> {
  if (kind === 'single') {
    const server = await startRedisServer();
    const redis = new Redis(server.url, DLQ_REDIS_CONNECTION_OPTIONS);
    await new Promise((resolve) => redis.once('ready', resolve));
    return {
      client: redis,
      redis: { client: redis },
      close: async () => {
        await redis.quit();
        await server.close();
      },
    };
  }
  const cluster = await startRedisCluster(3);
  const client = new Cluster([...cluster.nodes], { enableOfflineQueue: true });
  await new Promise((resolve) => client.once('ready', resolve));
  return {
    client,
    redis: { client },
    close: async () => {
      await client.quit();
      await cluster.close();
    },
  };
}

/** One run on fresh servers: store vs plain writes, then reads and cleanup at `entries`. */
export async function measureDlqStore(
  entries: number,
  samples: number,
  kind: DlqBenchTarget = 'single',
): Promise<DlqStoreFigures> {
  const target = await openTarget(kind);
  const clock = { now: () => Date.now() };
  // Default options (dedup on: every input differs, so each store adds an entry).
  const options = { redis: target.redis, keyPrefix: 'bench', maxEntries: entries * 2 };
  // No event recorder (a test's): it would keep every stored entry's event in memory.
  const { module, dlq: queue } = await bootDlq(options, clock, new FakeReplayer(), [], {
    recordEvents: false,
  });
  const p50 = (values: number[]): number => percentile(values, 50);
  const redis = target.client;
  try {
    // Inputs are made before the clock starts, as the plain writes' JSON is: each one differs.
    const inputs = (count: number) =>
      Array.from({ length: count }, (_, i) => failedInput({ clientId: `client-${i % CLIENTS}` }));
    const sample: FailedOperation = await queue.store(inputs(1)[0]);
    const json = JSON.stringify(sample);
    // Warm-up (JIT, connection, scripts loaded), not measured.
    const warmUp = inputs(samples);
    await throughput(samples, (i) => queue.store(warmUp[i]));
    await queue.cleanup(0);
    const versus = await storeVersusPlain(queue, redis, json, samples, inputs);
    await queue.cleanup(0);
    const atCap = await versusAtCap(target, clock, sample, json, samples, inputs);

    const fillStart = performance.now();
    await fill(queue, sample, entries);
    const fillSeconds = (performance.now() - fillStart) / 1000;

    const deep = await pageCursor(queue, entries / 2);
    const reads = Math.min(200, samples);
    const listFirst = await timed(reads, () => queue.list({ limit: 100 }));
    const listDeep = await timed(reads, () => queue.list({ limit: 100, cursor: deep }));
    const byClient = await timed(reads, (i) =>
      queue.getByClientId(`client-${i % CLIENTS}`, { limit: 100 }),
    );
    const byOperation = await timed(reads, () =>
      queue.getByOperation('list_tools', { limit: 100 }),
    );
    const byClass = await timed(reads, () => queue.getByErrorClass('timeout', { limit: 100 }));
    const byPriority = await timed(reads, () => queue.getByPriority('high', { limit: 100 }));
    const sorted = await timed(reads, () => queue.listByPriority({ limit: 100 }));
    const stats = await timed(reads, () => queue.getStats());
    const timeline = await timed(reads, () =>
      queue.timeline({ bucketMs: 3600_000, buckets: 24, classes: 7 }),
    );
    const total = (await queue.getStats()).total;

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const cleanupStart = performance.now();
    const removed = await queue.cleanup(0);
    const cleanupMs = performance.now() - cleanupStart;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (removed !== total) throw new Error(`cleanup removed ${removed} of ${total} entries`);
    const mib = (bytes: number): number => bytes / 1024 / 1024;
    return {
      entryBytes: Buffer.byteLength(json),
      ...versus,
      atCapP50Ratio: atCap.p50Ratio,
      atCapThroughputRatio: atCap.throughputRatio,
      fillSeconds,
      listFirstPageP50Ms: p50(listFirst),
      listDeepPageP50Ms: p50(listDeep),
      clientPageP50Ms: p50(byClient),
      operationPageP50Ms: p50(byOperation),
      errorClassPageP50Ms: p50(byClass),
      priorityPageP50Ms: p50(byPriority),
      byPriorityPageP50Ms: p50(sorted),
      statsP50Ms: p50(stats),
      timelineP50Ms: p50(timeline),
      cleanupMs,
      cleanupPeakRssMiB: mib(peak),
      cleanupRssGrowthMiB: mib(peak - rssBefore),
    };
  } finally {
    await module.close();
    await target.close();
  }
}

/**
 * `storeVersusPlain` on a second queue (its own key prefix) filled to a cap of AT_CAP_ENTRIES
 * first: every store then finds the queue past its cap and the oldest entries are evicted.
 */
async function versusAtCap(
  target: Target,
  clock: { now(): number },
  template: FailedOperation,
  json: string,
  samples: number,
  inputs: (count: number) => FailedOperationInput[],
): Promise<StoreVersusPlain> {
  const options = { redis: target.redis, keyPrefix: 'bench-cap', maxEntries: AT_CAP_ENTRIES };
  const { module, dlq: queue } = await bootDlq(options, clock, new FakeReplayer(), [], {
    recordEvents: false,
  });
  try {
    await fill(queue, template, AT_CAP_ENTRIES);
    return await storeVersusPlain(queue, target.client, json, samples, inputs, 'bench-cap');
  } finally {
    await queue.cleanup(0);
    await module.close();
  }
}

/** Store and plain write figures, and their ratios (median of the turns' ratios). */
type StoreVersusPlain = Pick<
  DlqStoreFigures,
  | 'storeP50Ms'
  | 'storeP99Ms'
  | 'plainP50Ms'
  | 'plainP99Ms'
  | 'storePerSec'
  | 'plainPerSec'
  | 'storeCpuMicros'
  | 'plainCpuMicros'
  | 'p50Ratio'
  | 'cpuRatio'
  | 'throughputRatio'
>;

/**
 * `store()` against a plain SET+ZADD pipeline of the same JSON, in `TURNS` turns (each:
 * `samples / TURNS` sequential, then `THROUGHPUT_CALLS_PER_TURN` with 64 in flight), so that a
 * busy minute on a shared machine falls on both. Latencies pool the turns; each ratio is the
 * median of the turns'.
 */
async function storeVersusPlain(
  queue: DeadLetterQueueService,
  redis: DlqRedisClient,
  json: string,
  samples: number,
  inputs: (count: number) => FailedOperationInput[],
  keyPrefix = 'bench',
): Promise<StoreVersusPlain> {
  const perTurn = Math.max(1, Math.floor(samples / TURNS));
  const store: number[] = [];
  const plain: number[] = [];
  const storeRates: number[] = [];
  const plainRates: number[] = [];
  const storeCpu: number[] = [];
  const plainCpu: number[] = [];
  const p50Ratios: number[] = [];
  const cpuRatios: number[] = [];
  const throughputRatios: number[] = [];
  // Plain keys share the DLQ's hash tag, so on a cluster they go to the same node.
  const plainWrite = (key: string, i: number) =>
    redis
      .pipeline()
      .set(`{${keyPrefix}}:plain:${key}:${i}`, json)
      .zadd(`{${keyPrefix}}:plain:${key}`, i, `id${i}`)
      .exec();
  for (let turn = 0; turn < TURNS; turn++) {
    const sequential = inputs(perTurn);
    const stores = await timedWithCpu(redis, perTurn, (i) => queue.store(sequential[i]));
    const plains = await timedWithCpu(redis, perTurn, (i) => plainWrite(`s${turn}`, i));
    const storeTimes = stores.samples;
    const plainTimes = plains.samples;
    const concurrent = inputs(THROUGHPUT_CALLS_PER_TURN);
    const storeRate = await throughput(THROUGHPUT_CALLS_PER_TURN, (i) =>
      queue.store(concurrent[i]),
    );
    const plainRate = await throughput(THROUGHPUT_CALLS_PER_TURN, (i) => plainWrite(`c${turn}`, i));
    store.push(...storeTimes);
    plain.push(...plainTimes);
    storeRates.push(storeRate);
    plainRates.push(plainRate);
    storeCpu.push(stores.cpuMicros);
    plainCpu.push(plains.cpuMicros);
    p50Ratios.push(percentile(storeTimes, 50) / percentile(plainTimes, 50));
    cpuRatios.push(stores.cpuMicros / plains.cpuMicros);
    throughputRatios.push(plainRate / storeRate);
  }
  return {
    storeP50Ms: percentile(store, 50),
    storeP99Ms: percentile(store, 99),
    plainP50Ms: percentile(plain, 50),
    plainP99Ms: percentile(plain, 99),
    storePerSec: median(storeRates),
    plainPerSec: median(plainRates),
    storeCpuMicros: median(storeCpu),
    plainCpuMicros: median(plainCpu),
    p50Ratio: median(p50Ratios),
    cpuRatio: median(cpuRatios),
    throughputRatio: median(throughputRatios),
  };
}

/**
 * Stores `count` entries through the storage's insert (the Lua script every store runs), built
 * from one entry with new ids and a spread of client ids, operations, classes and priorities.
 */
async function fill(queue: DeadLetterQueueService, template: FailedOperation, count: number) {
  const storage = queue.activeStorage();
  const ids = new DlqIdGenerator();
  const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  await throughput(count, (i) => {
    const entry: FailedOperation = {
      ...template,
      id: ids.next(Date.now()),
      clientId: `client-${i % CLIENTS}`,
      operation: OPERATIONS[i % OPERATIONS.length],
      errorClass: CLASSES[i % CLASSES.length],
      priority: PRIORITIES[i % PRIORITIES.length],
      expiresAt,
    };
    const options = { nowMs: Date.now(), dueAt: 0, fingerprint: '-', dedupWindowMs: 0 };
    return storage.insert(entry, options);
  });
}

export async function main(args: string[]): Promise<number> {
  const entries = arg(args, 'entries', Number(process.env.DLQ_BENCH_ENTRIES ?? 1_000_000));
  const kind: DlqBenchTarget = args.includes('--cluster') ? 'cluster' : 'single';
  const f = await measureDlqStore(entries, arg(args, 'samples', 2_000), kind);
  console.table(
    Object.fromEntries(
      Object.entries(f as unknown as Record<string, number>).map(([name, value]) => [
        name,
        Number(value.toFixed(3)),
      ]),
    ),
  );
  return 0;
}

/** A cursor `depth` entries into the list, reached by paging with 500s. */
async function pageCursor(
  queue: DeadLetterQueueService,
  depth: number,
): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let seen = 0; seen < depth; seen += 500) {
    cursor = (await queue.list({ limit: 500, cursor })).nextCursor;
  }
  return cursor;
}

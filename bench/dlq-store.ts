/**
 * The Redis DLQ store on a real redis-server (a child process on a free port, never 6379):
 *  - store() latency p50/p99 and throughput, against plain ioredis SET+ZADD of the same JSON on
 *    the same connection (one round trip each: EVALSHA vs a two-command pipeline);
 *  - with 100,000 entries: a page of 100 from list() and getByClientId(), getStats(), and
 *    cleanup() of all 100,000.
 *
 *   node bench/run-ts.mjs bench/dlq-store.ts [--entries 100000] [--samples 5000]
 *
 * A plain script, not a `*.bench.ts` file: it needs percentiles and one-shot operations (a
 * cleanup of 100,000 cannot be an iteration), and `vitest bench` would collect `*.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { DeadLetterQueue } from '../libs/fastmcp/src/dlq/core/dead-letter-queue.interface.js';
import type { FailedOperation } from '../libs/fastmcp/src/dlq/core/failed-operation.interface.js';
import { DLQ_REDIS_CONNECTION_OPTIONS } from '../libs/fastmcp/src/dlq/redis/redis-dlq.connection.js';
import { bootDlq, FakeReplayer, failedInput } from '../test/support/dlq/dlq-test-context.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { percentile } from './support/stats.js';

const CLIENTS = 50;
const CONCURRENCY = 64;

function arg(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
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

/** The figures of one run, in ms and ops/s (what `npm run bench` tabulates). */
export interface DlqStoreFigures {
  entryBytes: number;
  storeP50Ms: number;
  storeP99Ms: number;
  plainP50Ms: number;
  plainP99Ms: number;
  storePerSec: number;
  plainPerSec: number;
  fillSeconds: number;
  listFirstPageP50Ms: number;
  listDeepPageP50Ms: number;
  clientPageP50Ms: number;
  statsP50Ms: number;
  cleanupMs: number;
}

/** One run on a fresh redis-server: store vs plain writes, then reads at `entries`. */
export async function measureDlqStore(entries: number, samples: number): Promise<DlqStoreFigures> {
  const server = await startRedisServer();
  const redis = new Redis(server.url, DLQ_REDIS_CONNECTION_OPTIONS);
  await new Promise((resolve) => redis.once('ready', resolve));
  const clock = { now: () => Date.now() };
  const options = { redis: { client: redis }, keyPrefix: 'bench', maxEntries: entries * 2 };
  const { module, dlq } = await bootDlq(options, clock, new FakeReplayer());
  const p50 = (values: number[]): number => percentile(values, 50);
  try {
    const input = (i: number) => failedInput({ clientId: `client-${i % CLIENTS}` });
    const sample: FailedOperation = await dlq.store(input(0));
    const json = JSON.stringify(sample);

    const store = await timed(samples, (i) => dlq.store(input(i)));
    const plain = await timed(samples, (i) =>
      redis.pipeline().set(`plain:e:${i}`, json).zadd('plain:all', i, `id${i}`).exec(),
    );
    const storePerSec = await throughput(samples, (i) => dlq.store(input(i)));
    const plainPerSec = await throughput(samples, (i) =>
      redis.pipeline().set(`plain:e2:${i}`, json).zadd('plain:all2', i, `id${i}`).exec(),
    );
    await redis.del('plain:all', 'plain:all2');

    await dlq.cleanup(0);
    const fillStart = performance.now();
    await throughput(entries, (i) => dlq.store(input(i)));
    const fillSeconds = (performance.now() - fillStart) / 1000;

    const deep = await pageCursor(dlq, entries / 2);
    const reads = Math.min(200, samples);
    const listFirst = await timed(reads, () => dlq.list({ limit: 100 }));
    const listDeep = await timed(reads, () => dlq.list({ limit: 100, cursor: deep }));
    const byClient = await timed(reads, (i) =>
      dlq.getByClientId(`client-${i % CLIENTS}`, { limit: 100 }),
    );
    const stats = await timed(reads, () => dlq.getStats());
    const total = (await dlq.getStats()).total;
    const cleanupStart = performance.now();
    const removed = await dlq.cleanup(0);
    const cleanupMs = performance.now() - cleanupStart;
    if (removed !== total) throw new Error(`cleanup removed ${removed} of ${total} entries`);
    return {
      entryBytes: Buffer.byteLength(json),
      storeP50Ms: p50(store),
      storeP99Ms: percentile(store, 99),
      plainP50Ms: p50(plain),
      plainP99Ms: percentile(plain, 99),
      storePerSec,
      plainPerSec,
      fillSeconds,
      listFirstPageP50Ms: p50(listFirst),
      listDeepPageP50Ms: p50(listDeep),
      clientPageP50Ms: p50(byClient),
      statsP50Ms: p50(stats),
      cleanupMs,
    };
  } finally {
    await module.close();
    await redis.quit();
    await server.close();
  }
}

export async function main(args: string[]): Promise<number> {
  const entries = arg(args, 'entries', 100_000);
  const f = await measureDlqStore(entries, arg(args, 'samples', 5_000));
  const lat = (p50: number, p99: number): string =>
    `p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`;
  const results: Record<string, string> = {
    entryBytes: String(f.entryBytes),
    'store() latency': lat(f.storeP50Ms, f.storeP99Ms),
    'plain SET+ZADD latency': lat(f.plainP50Ms, f.plainP99Ms),
    'store() throughput (64 in flight)': `${f.storePerSec.toFixed(0)} ops/s`,
    'plain SET+ZADD throughput (64 in flight)': `${f.plainPerSec.toFixed(0)} ops/s`,
    [`fill ${entries}`]: `${f.fillSeconds.toFixed(1)} s`,
    'list({limit:100}) first page p50': `${f.listFirstPageP50Ms.toFixed(3)} ms`,
    'list({limit:100}) page at 50% p50': `${f.listDeepPageP50Ms.toFixed(3)} ms`,
    'getByClientId({limit:100}) p50': `${f.clientPageP50Ms.toFixed(3)} ms`,
    [`getStats() with ${entries} p50`]: `${f.statsP50Ms.toFixed(3)} ms`,
    [`cleanup() of ${entries}`]: `${f.cleanupMs.toFixed(0)} ms`,
  };
  console.table(results);
  console.log(JSON.stringify(results, null, 2));
  return 0;
}

/** A cursor `depth` entries into the list, reached by paging with 500s. */
async function pageCursor(dlq: DeadLetterQueue, depth: number): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let seen = 0; seen < depth; seen += 500) {
    cursor = (await dlq.list({ limit: 500, cursor })).nextCursor;
  }
  return cursor;
}

import type { DlqStats } from '../core/dead-letter-queue.interface.js';
import { isClusterRefusal } from '../core/cluster-refusal.js';
import { DLQ_STATS_TOP_CLIENTS, DLQ_STATS_TOP_ERROR_CLASSES } from '../core/dlq.constants.js';
import type { DlqCursor } from '../core/dlq-cursor.js';
import { topCounts } from '../core/dlq-top-counts.js';
import { DLQ_PRIORITIES } from '../core/failed-operation.interface.js';
import { DLQ_OPERATION_NAMES } from '../../events/operation-name.js';
import type { DlqRedisClient } from './redis-client.js';
import type { RedisDlqKeys } from './redis-dlq.keys.js';

/** Up to `count` ids of an index, newest first, strictly older than the cursor. */
export async function pageIds(
  redis: DlqRedisClient,
  index: string,
  cursor: DlqCursor | undefined,
  count: number,
  oldestMs = -Infinity,
): Promise<string[]> {
  const min = Number.isFinite(oldestMs) ? oldestMs : '-inf';
  if (!cursor) return redis.zrevrangebyscore(index, '+inf', min, 'LIMIT', 0, count);
  // Same-millisecond ids share a score: take those below the cursor id, then the older scores.
  const ties = (await redis.zrangebyscore(index, cursor.score, cursor.score))
    .filter((id) => id < cursor.id)
    .reverse()
    .slice(0, count);
  if (ties.length === count) return ties;
  const older = await redis.zrevrangebyscore(
    index,
    `(${cursor.score}`,
    min,
    'LIMIT',
    0,
    count - ties.length,
  );
  return [...ties, ...older];
}

/** Members of an index per time bucket: one ZCOUNT a bucket, sent together (one slot). */
export async function countByTime(
  redis: DlqRedisClient,
  index: string,
  fromMs: number,
  bucketMs: number,
  buckets: number,
): Promise<number[]> {
  let pipeline = redis.pipeline();
  for (let i = 0; i < buckets; i += 1) {
    const start = fromMs + i * bucketMs;
    pipeline = pipeline.zcount(index, start, `(${start + bucketMs}`);
  }
  return ((await pipeline.exec()) ?? []).map(([error, count]) => {
    if (error) throw error;
    return Number(count);
  });
}

/** The reads behind `getStats()`, on a transaction or on the connection itself. */
interface StatsReader<T> {
  zcard(key: string): T;
  hgetall(key: string): T;
  zrange(key: string, start: number, stop: number, withScores: 'WITHSCORES'): T;
}

function statsReads<T>(reader: StatsReader<T>, keys: RedisDlqKeys): T[] {
  return [
    reader.zcard(keys.all),
    reader.hgetall(keys.counts),
    reader.zrange(keys.all, 0, 0, 'WITHSCORES'),
    reader.zrange(keys.all, -1, -1, 'WITHSCORES'),
    reader.zcard(keys.due),
    ...DLQ_OPERATION_NAMES.map((operation) => reader.zcard(keys.byOperation(operation))),
    ...DLQ_PRIORITIES.map((priority) => reader.zcard(keys.byPriority(priority))),
  ];
}

/**
 * Reads them in one transaction (every key is in one slot). While that slot moves, a cluster
 * refuses the transaction (some keys do not exist) and ioredis does not retry one: they are then
 * read one by one, each following the move on its own (the counts may be a write apart).
 */
async function readStatsValues(redis: DlqRedisClient, keys: RedisDlqKeys): Promise<unknown[]> {
  const tx = redis.multi();
  statsReads(tx, keys);
  try {
    return ((await tx.exec()) ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
  } catch (error) {
    if (!isClusterRefusal(error)) throw error;
    return Promise.all(statsReads<Promise<unknown>>(redis, keys));
  }
}

/**
 * The counts behind `getStats()`: by operation and priority the sizes of their indexes, by
 * client id and error class the `counts` hash (the largest first).
 */
export async function readStats(
  redis: DlqRedisClient,
  keys: RedisDlqKeys,
  nowMs: number,
): Promise<DlqStats> {
  const values = await readStatsValues(redis, keys);
  const [total, counts, oldest, newest, due] = values as [
    number,
    Record<string, string>,
    string[],
    string[],
    number,
  ];
  const sizes = values.slice(5) as number[];
  return {
    total,
    byOperation: nonZero(DLQ_OPERATION_NAMES, sizes),
    byClientId: top(counts, 'client:', DLQ_STATS_TOP_CLIENTS),
    byErrorClass: top(counts, 'class:', DLQ_STATS_TOP_ERROR_CLASSES),
    clientIdCount: countPositive(counts, 'client:'),
    errorClassCount: countPositive(counts, 'class:'),
    byPriority: nonZero(DLQ_PRIORITIES, sizes.slice(DLQ_OPERATION_NAMES.length)),
    oldestAgeSeconds:
      oldest.length === 2 ? Math.max(0, Math.floor((nowMs - Number(oldest[1])) / 1000)) : null,
    newestAt: newest.length === 2 ? new Date(Number(newest[1])).toISOString() : null,
    dueForRedrive: due,
  };
}

function nonZero<K extends string>(
  names: readonly K[],
  sizes: readonly number[],
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  names.forEach((name, i) => {
    if (sizes[i] > 0) out[name] = sizes[i];
  });
  return out;
}

/** How many fields starting with `prefix` count at least one entry. */
function countPositive(counts: Record<string, string>, prefix: string): number {
  let found = 0;
  for (const [field, value] of Object.entries(counts)) {
    if (field.startsWith(prefix) && Number(value) > 0) found += 1;
  }
  return found;
}

/** The `limit` largest counts of the fields starting with `prefix`, the prefix cut off. */
function top(
  counts: Record<string, string>,
  prefix: string,
  limit: number,
): Record<string, number> {
  const found = new Map<string, number>();
  for (const [field, value] of Object.entries(counts)) {
    if (field.startsWith(prefix)) found.set(field.slice(prefix.length), Number(value));
  }
  return topCounts(found, limit);
}

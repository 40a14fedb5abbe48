import type { DlqStats } from '../core/dead-letter-queue.interface.js';
import { DLQ_STATS_TOP_CLIENTS, DLQ_STATS_TOP_ERROR_CLASSES } from '../core/dlq.constants.js';
import type { DlqCursor } from '../core/dlq-cursor.js';
import { topCounts } from '../core/dlq-top-counts.js';
import { DLQ_PRIORITIES } from '../core/failed-operation.interface.js';
import { OPERATION_NAMES } from '../../events/operation-name.js';
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

/**
 * The counts behind `getStats()`, read in one transaction (every key is in one slot): by
 * operation and priority the sizes of their indexes, by client id and error class the `counts`
 * hash (the largest first).
 */
export async function readStats(
  redis: DlqRedisClient,
  keys: RedisDlqKeys,
  nowMs: number,
): Promise<DlqStats> {
  let tx = redis
    .multi()
    .zcard(keys.all)
    .hgetall(keys.counts)
    .zrange(keys.all, 0, 0, 'WITHSCORES')
    .zrange(keys.all, -1, -1, 'WITHSCORES')
    .zcard(keys.due);
  for (const operation of OPERATION_NAMES) tx = tx.zcard(keys.byOperation(operation));
  for (const priority of DLQ_PRIORITIES) tx = tx.zcard(keys.byPriority(priority));
  const values = ((await tx.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
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
    byOperation: nonZero(OPERATION_NAMES, sizes),
    byClientId: top(counts, 'client:', DLQ_STATS_TOP_CLIENTS),
    byErrorClass: top(counts, 'class:', DLQ_STATS_TOP_ERROR_CLASSES),
    clientIdCount: countPositive(counts, 'client:'),
    errorClassCount: countPositive(counts, 'class:'),
    byPriority: nonZero(DLQ_PRIORITIES, sizes.slice(OPERATION_NAMES.length)),
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

import type { DlqStats } from '../core/dead-letter-queue.interface.js';
import { DLQ_STATS_TOP_CLIENTS, DLQ_STATS_TOP_ERROR_CLASSES } from '../core/dlq.constants.js';
import type { DlqCursor } from '../core/dlq-cursor.js';
import type { DlqRedisClient } from './redis-client.js';
import type { RedisDlqKeys } from './redis-dlq.keys.js';

/** Up to `count` ids of an index, newest first, strictly older than the cursor. */
export async function pageIds(
  redis: DlqRedisClient,
  index: string,
  cursor: DlqCursor | undefined,
  count: number,
): Promise<string[]> {
  if (!cursor) return redis.zrevrangebyscore(index, '+inf', '-inf', 'LIMIT', 0, count);
  // Same-millisecond ids share a score: take those below the cursor id, then the older scores.
  const ties = (await redis.zrangebyscore(index, cursor.score, cursor.score))
    .filter((id) => id < cursor.id)
    .reverse()
    .slice(0, count);
  if (ties.length === count) return ties;
  const older = await redis.zrevrangebyscore(
    index,
    `(${cursor.score}`,
    '-inf',
    'LIMIT',
    0,
    count - ties.length,
  );
  return [...ties, ...older];
}

/** The counts behind `getStats()`, read in one transaction (every key is in one slot). */
export async function readStats(
  redis: DlqRedisClient,
  keys: RedisDlqKeys,
  nowMs: number,
): Promise<DlqStats> {
  const reply = await redis
    .multi()
    .zcard(keys.all)
    .zrange(keys.stat('op'), 0, -1, 'WITHSCORES')
    .zrevrange(keys.stat('client'), 0, DLQ_STATS_TOP_CLIENTS - 1, 'WITHSCORES')
    .zrevrange(keys.stat('class'), 0, DLQ_STATS_TOP_ERROR_CLASSES - 1, 'WITHSCORES')
    .zrange(keys.stat('prio'), 0, -1, 'WITHSCORES')
    .zrange(keys.all, 0, 0, 'WITHSCORES')
    .zrange(keys.all, -1, -1, 'WITHSCORES')
    .zcard(keys.due)
    .exec();
  const values = (reply ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  const [total, ops, clients, classes, priorities, oldest, newest, due] = values as [
    number,
    string[],
    string[],
    string[],
    string[],
    string[],
    string[],
    number,
  ];
  return {
    total,
    byOperation: pairs(ops),
    byClientId: pairs(clients),
    byErrorClass: pairs(classes),
    byPriority: pairs(priorities),
    oldestAgeSeconds:
      oldest.length === 2 ? Math.max(0, Math.floor((nowMs - Number(oldest[1])) / 1000)) : null,
    newestAt: newest.length === 2 ? new Date(Number(newest[1])).toISOString() : null,
    dueForRedrive: due,
  };
}

function pairs(flat: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = Number(flat[i + 1]);
  return out;
}

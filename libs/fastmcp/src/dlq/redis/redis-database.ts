import { FastMcpConfigError } from '../../errors/fastmcp-config.error.js';
import type { DlqRedisConnection } from './redis-dlq.connection.js';

/**
 * Refuses a database the server does not have (`/16` on a server of 16), from `dlq.redis.url`
 * or a given client's `db`: ioredis's own SELECT fails silently, and every entry would go to
 * database 0. Says nothing when Redis is not reachable (checked again once it is: see
 * RedisDlqStorage), or refuses SELECT for another reason (a proxy that forbids it).
 */
export async function assertRedisDatabase({ redis, option }: DlqRedisConnection): Promise<void> {
  if ((option !== 'url' && option !== 'client') || redis.status !== 'ready') return;
  const db = Number((redis.options as { db?: unknown }).db ?? 0);
  if (!Number.isInteger(db) || db === 0) return;
  const refusal = await redis.select(db).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  if (!refusal || !/out of range|invalid db/i.test(refusal)) return;
  throw new FastMcpConfigError([
    {
      field: `dlq.redis.${option}`,
      message: `the Redis server has no database ${db} (${refusal.slice(0, 100)})`,
    },
  ]);
}

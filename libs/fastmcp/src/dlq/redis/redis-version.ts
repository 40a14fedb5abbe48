import { FastMcpConfigError } from '../../errors/fastmcp-config.error.js';
import type { DlqRedisConnection } from './redis-dlq.connection.js';

/** The insert script claims a dedup key with `SET ... NX ... GET`, which Redis 7.0 added. */
const OLDEST_MAJOR = 7;

/**
 * Refuses a Redis older than 7.0 at start, naming the option that chose it: on Redis 6 every
 * store would fail with a bare "ERR syntax error" and stay buffered. Says nothing when Redis is
 * not reachable yet (the store buffers until it is) or does not answer `INFO` (a managed service
 * may forbid it): then the version is not known, so nothing is refused.
 */
export async function assertRedisVersion({ redis, option }: DlqRedisConnection): Promise<void> {
  if (redis.status !== 'ready') return;
  const info = await redis.info('server').catch(() => '');
  const version = /^redis_version:(\d+)\.([\d.]+)/m.exec(info);
  if (!version || Number(version[1]) >= OLDEST_MAJOR) return;
  throw new FastMcpConfigError([
    {
      field: `dlq.redis.${option}`,
      message: `Redis ${version[1]}.${version[2]} is too old: the DLQ store needs Redis 7.0 or later`,
    },
  ]);
}

import type { Redis } from 'ioredis';
import type { DlqRedisClient } from './redis-client.js';
import type { DlqRedisConnection } from './redis-dlq.connection.js';

/**
 * Why the Redis may drop dead letters by itself, or undefined: every node (each master of a
 * cluster) under `maxmemory-policy noeviction`. Any other policy removes keys to make room once
 * `maxmemory` is reached (a `volatile-*` one too: every DLQ key has a TTL), so entries would go
 * without a trace; under `noeviction` a full Redis refuses stores instead, which are buffered,
 * retried and spilled. Says nothing when Redis is not reachable yet or does not answer `INFO`.
 */
export async function evictionRisk({
  redis,
  option,
}: DlqRedisConnection): Promise<string | undefined> {
  if (redis.status !== 'ready') return undefined;
  const infos = await Promise.all(
    masters(redis).map((node) => node.info('memory').catch(() => '')),
  );
  const policies = new Set<string>();
  for (const info of infos) {
    const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
    if (policy && policy !== 'noeviction') policies.add(policy);
  }
  if (policies.size === 0) return undefined;
  return (
    `the Redis of dlq.redis.${option} runs with maxmemory-policy ${[...policies].join(', ')}: ` +
    'once full it evicts keys, dead letters among them, without a trace; set it to noeviction'
  );
}

/** The node, or each master of a cluster (duck-typed: an app's cluster may come from another ioredis). */
function masters(client: DlqRedisClient): Redis[] {
  return 'nodes' in client ? client.nodes('master') : [client];
}

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
  // Duck-typed: an app's cluster client may come from another copy of ioredis.
  const nodes = 'nodes' in redis ? redis.nodes('master') : [redis];
  const infos = await Promise.all(nodes.map((node) => node.info('memory').catch(() => '')));
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

import { isAnyObject, isOptionsObject, kindOf, type OptionChecks } from './option-checks.js';
import { DLQ_CLUSTER_FIELDS, DLQ_REDIS_FIELDS, DLQ_REPLICAS_FIELDS } from './option-fields.js';
import { redisUrlProblem } from './redis-url.js';

/**
 * The commands the Redis store (`dlq/redis/`) sends on a connection it is given; a spec keeps
 * this list in step with the store.
 */
export const DLQ_REDIS_COMMANDS = [
  'evalsha',
  'eval',
  'get',
  'mget',
  'hget',
  'hmget',
  'lrange',
  'rpush',
  'pexpire',
  'del',
  'zadd',
  'zrem',
  'zcard',
  'zrange',
  'zrangebyscore',
  'zrevrange',
  'zrevrangebyscore',
  'info',
  'pipeline',
  'multi',
] as const;

const CLUSTER_NODE = /^[^\s:]+:(\d{1,5})$/;

export function giveOneRedisSource(checks: OptionChecks): void {
  checks.fail(
    'dlq.redis',
    'give exactly one of url, client, cluster or namespace for the Redis store',
  );
}

/** Checks `dlq.redis`: exactly one source (with the Redis store), and that source. */
export function checkRedis(checks: OptionChecks, redis: unknown, store: string): void {
  if (!checks.options('dlq.redis', redis, DLQ_REDIS_FIELDS)) return;
  const sources = [redis.url, redis.client, redis.cluster, redis.namespace];
  if (store === 'redis' && sources.filter((s) => s !== undefined).length !== 1)
    giveOneRedisSource(checks);
  if (redis.url !== undefined) {
    const before = checks.issues.length;
    checks.url('dlq.redis.url', redis.url, ['redis', 'rediss']);
    const problem =
      checks.issues.length === before && redisUrlProblem(new URL(redis.url as string));
    if (problem) checks.fail('dlq.redis.url', problem);
  }
  if (redis.client !== undefined) checkClient(checks, redis.client);
  if (redis.namespace !== undefined) checks.nonEmptyString('dlq.redis.namespace', redis.namespace);
  if (
    redis.replicas !== undefined &&
    checks.options('dlq.redis.replicas', redis.replicas, DLQ_REPLICAS_FIELDS)
  ) {
    checks.integer('dlq.redis.replicas.count', redis.replicas.count, 1, 16);
    checks.integer('dlq.redis.replicas.timeoutMs', redis.replicas.timeoutMs, 1, 1500);
  }
  if (
    redis.cluster !== undefined &&
    checks.options('dlq.redis.cluster', redis.cluster, DLQ_CLUSTER_FIELDS)
  ) {
    checkClusterNodes(checks, redis.cluster.nodes);
    const options = redis.cluster.options;
    if (options !== undefined && !isAnyObject(options)) {
      checks.fail(
        'dlq.redis.cluster.options',
        `must be ioredis ClusterOptions, got ${kindOf(options)}`,
      );
    } else if (setsOwnKeyPrefix(options)) {
      checks.fail('dlq.redis.cluster.options', CONNECTION_KEY_PREFIX);
    }
  }
}

/**
 * Why a connection's own `keyPrefix` cannot be used: the store's Lua scripts name keys from
 * their arguments, which ioredis does not prefix, so they would miss the entries' keys.
 */
export const CONNECTION_KEY_PREFIX =
  "must not set an ioredis keyPrefix (the store's scripts build key names ioredis does not prefix); use dlq.keyPrefix";

/** True when an ioredis `Redis` or `Cluster` (or the options of one) sets a `keyPrefix`. */
export function setsOwnKeyPrefix(client: unknown): boolean {
  if (!isAnyObject(client)) return false;
  const options = isAnyObject(client.options) ? client.options : client;
  const own = options.keyPrefix;
  const nodes = isAnyObject(options.redisOptions) ? options.redisOptions.keyPrefix : undefined;
  return [own, nodes].some((prefix) => typeof prefix === 'string' && prefix !== '');
}

/** An ioredis `Redis` or `Cluster` (a class instance): what it is is never quoted (a URL?). */
function checkClient(checks: OptionChecks, client: unknown): void {
  if (!isAnyObject(client)) {
    checks.fail('dlq.redis.client', `must be an ioredis Redis or Cluster, got ${kindOf(client)}`);
    return;
  }
  if (setsOwnKeyPrefix(client)) checks.fail('dlq.redis.client', CONNECTION_KEY_PREFIX);
  const missing = DLQ_REDIS_COMMANDS.filter((command) => typeof client[command] !== 'function');
  if (missing.length > 0) {
    checks.fail(
      'dlq.redis.client',
      `must be an ioredis Redis or Cluster (missing ${missing.join(', ')})`,
    );
  }
}

function checkClusterNodes(checks: OptionChecks, nodes: unknown): void {
  if (!Array.isArray(nodes) || nodes.length === 0) {
    checks.fail(
      'dlq.redis.cluster.nodes',
      'must be a non-empty array of { host, port } or "host:port"',
    );
    return;
  }
  // An index loop, not forEach: a hole in the array is a node without a host.
  for (let i = 0; i < nodes.length; i++) {
    const node: unknown = nodes[i];
    // Without a host ioredis would connect to 127.0.0.1, which a URL without one is refused for.
    const hasHost =
      typeof node === 'string' ||
      (isOptionsObject(node) && typeof node.host === 'string' && node.host.trim() !== '');
    const port =
      typeof node === 'string'
        ? Number(CLUSTER_NODE.exec(node)?.[1])
        : isOptionsObject(node)
          ? node.port
          : undefined;
    if (!hasHost || !isPort(port)) {
      checks.fail(
        `dlq.redis.cluster.nodes[${i}]`,
        'expected { host, port } or "host:port", with a host and a port 1..65535',
      );
    }
  }
}

function isPort(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

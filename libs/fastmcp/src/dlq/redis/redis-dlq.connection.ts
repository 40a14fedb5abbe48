import type { ModuleRef } from '@nestjs/core';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { FastMcpConfigError } from '../../errors/fastmcp-config.error.js';
import type { DlqRedisOptions } from '../../options/dlq-options.interface.js';
import { CONNECTION_KEY_PREFIX, setsOwnKeyPrefix } from '../../options/validate-redis-options.js';
import { DLQ_WRITE_TIMEOUT_MS } from '../core/dlq.constants.js';
import { withTimeout } from '../core/dlq-runtime.js';
import type { DlqRedisClient } from './redis-client.js';

/**
 * Options of a connection the module opens: commands fail at once while disconnected (no
 * offline queue) instead of hanging, and reconnects back off up to 2 s, forever.
 */
export const DLQ_REDIS_CONNECTION_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  commandTimeout: 2000,
  retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  lazyConnect: false,
};

/**
 * Options of a cluster the module opens. While the DLQ's slot moves, a script that declares a key
 * not there yet (a new entry, a tombstone, a lease) is refused (TRYAGAIN, ASK, then MOVED) for
 * the whole move: it is sent again every 100 ms, and its deadline is the 6 s command timeout, not
 * a count of redirections (50 ran out in 2-4 s). A store still gives up at its own 2 s write
 * timeout and is buffered. The 6 s also ends a command a paused or cut-off node (its socket
 * never closes) would hold, with reads, jobs and redrive rounds, for as long as it stayed so.
 */
export const DLQ_CLUSTER_OPTIONS: ClusterOptions = {
  enableOfflineQueue: false,
  retryDelayOnTryAgain: 100,
  retryDelayOnMoved: 100,
  retryDelayOnClusterDown: 100,
  maxRedirections: 1000,
  clusterRetryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  redisOptions: { connectTimeout: 2000, maxRetriesPerRequest: 1, commandTimeout: 6000 },
};

export interface DlqRedisConnection {
  redis: DlqRedisClient;
  /** True when the module opened it, and so closes it on shutdown. */
  owned: boolean;
  /** The `dlq.redis` option it came from, for errors that name it. */
  option: 'client' | 'url' | 'cluster' | 'namespace';
}

/** The connection the options name: a URL or cluster (opened here), a client, or a namespace. */
export async function resolveDlqRedis(
  options: DlqRedisOptions | undefined,
  moduleRef: ModuleRef,
): Promise<DlqRedisConnection> {
  if (options?.client) return { redis: options.client, owned: false, option: 'client' };
  if (options?.url) {
    return {
      redis: new Redis(options.url, DLQ_REDIS_CONNECTION_OPTIONS),
      owned: true,
      option: 'url',
    };
  }
  if (options?.cluster) {
    const { nodes, options: own = {} } = options.cluster;
    const merged: ClusterOptions = {
      ...DLQ_CLUSTER_OPTIONS,
      ...own,
      redisOptions: { ...DLQ_CLUSTER_OPTIONS.redisOptions, ...own.redisOptions },
    };
    return { redis: new Cluster(nodes, merged), owned: true, option: 'cluster' };
  }
  if (options?.namespace !== undefined) {
    const redis = await namespaceConnection(options.namespace, moduleRef);
    return { redis, owned: false, option: 'namespace' };
  }
  throw new FastMcpConfigError([
    {
      field: 'dlq.redis',
      message: 'give exactly one of url, client, cluster or namespace for the Redis store',
    },
  ]);
}

/**
 * The connection of `@liaoliaots/nestjs-redis`'s RedisModule under `namespace`. Nest's own error
 * when the app did not import RedisModule names no option, so it becomes a FastMcpConfigError.
 */
async function namespaceConnection(namespace: string, moduleRef: ModuleRef): Promise<Redis> {
  const { RedisService } = await import('@liaoliaots/nestjs-redis');
  let service: InstanceType<typeof RedisService>;
  try {
    service = moduleRef.get(RedisService, { strict: false });
  } catch {
    throw namespaceError(
      'needs RedisModule of @liaoliaots/nestjs-redis imported in the app (RedisModule.forRoot(...))',
    );
  }
  const redis = service.getOrNil(namespace);
  if (!redis) throw namespaceError(`RedisModule has no connection ${JSON.stringify(namespace)}`);
  if (setsOwnKeyPrefix(redis)) throw namespaceError(CONNECTION_KEY_PREFIX);
  return redis;
}

function namespaceError(message: string): FastMcpConfigError {
  return new FastMcpConfigError([{ field: 'dlq.redis.namespace', message }]);
}

/** Resolves when the connection is ready or after `timeoutMs`, whichever comes first. */
export function waitUntilReady(redis: DlqRedisClient, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    redis.once('ready', done);
  });
}

/**
 * The store's Redis connection, resolved once on first use. Closes it on `close()` only when
 * the module opened it; a client the app gave (or nestjs-redis owns) is left open.
 */
export class DlqRedisHandle {
  private connection: Promise<DlqRedisConnection> | undefined;

  constructor(
    private readonly options: DlqRedisOptions | undefined,
    private readonly moduleRef: ModuleRef,
    private readonly onError: (error: Error) => void,
  ) {}

  connect(): Promise<DlqRedisConnection> {
    this.connection ??= resolveDlqRedis(this.options, this.moduleRef).then((connection) => {
      if (connection.owned) watchErrors(connection.redis, this.onError);
      return connection;
    });
    return this.connection;
  }

  async close(): Promise<void> {
    const connection = await this.connection?.catch(() => undefined);
    if (!connection?.owned) return;
    // QUIT waits for its answer: a node that never gives one must not hold up shutdown.
    const quit = withTimeout(
      connection.redis.quit(),
      DLQ_WRITE_TIMEOUT_MS,
      () => new Error('QUIT'),
    );
    await quit.catch(() => connection.redis.disconnect());
  }
}

/** Reports connection errors at most every 10 s (ioredis would print unhandled ones). */
function watchErrors(redis: DlqRedisClient, onError: (error: Error) => void): void {
  let lastAt = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - lastAt < 10_000) return;
    lastAt = Date.now();
    onError(error);
  });
}

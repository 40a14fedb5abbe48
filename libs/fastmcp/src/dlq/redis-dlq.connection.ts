import type { ModuleRef } from '@nestjs/core';
import { Redis, type RedisOptions } from 'ioredis';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import type { DlqRedisOptions } from '../options/dlq-options.interface.js';

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

export interface DlqRedisConnection {
  redis: Redis;
  /** True when the module opened it, and so closes it on shutdown. */
  owned: boolean;
}

/** The connection the options name: a URL (opened here), a client, or a nestjs-redis namespace. */
export async function resolveDlqRedis(
  options: DlqRedisOptions | undefined,
  moduleRef: ModuleRef,
): Promise<DlqRedisConnection> {
  if (options?.client) return { redis: options.client, owned: false };
  if (options?.url)
    return { redis: new Redis(options.url, DLQ_REDIS_CONNECTION_OPTIONS), owned: true };
  if (options?.namespace !== undefined) {
    const { RedisService } = await import('@liaoliaots/nestjs-redis');
    const service = moduleRef.get(RedisService, { strict: false });
    return { redis: service.getOrThrow(options.namespace), owned: false };
  }
  throw new FastMcpConfigError([
    {
      field: 'dlq.redis',
      message: 'give exactly one of url, client or namespace for the Redis store',
    },
  ]);
}

/** Resolves when the connection is ready or after `timeoutMs`, whichever comes first. */
export function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
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
    if (connection?.owned) await connection.redis.quit().catch(() => connection.redis.disconnect());
  }
}

/** Reports connection errors at most every 10 s (ioredis would print unhandled ones). */
function watchErrors(redis: Redis, onError: (error: Error) => void): void {
  let lastAt = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - lastAt < 10_000) return;
    lastAt = Date.now();
    onError(error);
  });
}

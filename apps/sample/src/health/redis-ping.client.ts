import { once } from 'node:events';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DLQ_STORE } from '../bootstrap/bootstrap.constants.js';
import type { DlqStore } from '../bootstrap/dlq-store.interface.js';

/** A connection of its own for /health's Redis ping, opened on first use, closed on shutdown. */
@Injectable()
export class RedisPingClient implements OnApplicationShutdown {
  private redis: Redis | undefined;

  constructor(@Inject(DLQ_STORE) private readonly store: DlqStore) {}

  /**
   * Resolves when Redis answers PING within `timeoutMs` (connecting first if needed); otherwise
   * rejects with `no answer within <timeoutMs>ms` or `unreachable`, never the driver's message.
   */
  async ping(timeoutMs: number): Promise<void> {
    if (this.store.store !== 'redis') return;
    const redis = (this.redis ??= this.connect(this.store.url, timeoutMs));
    const signal = AbortSignal.timeout(timeoutMs);
    const timedOut = once(signal, 'abort').then(() => {
      throw new Error(`no answer within ${timeoutMs}ms`);
    });
    const answered = (async () => {
      if (redis.status !== 'ready') await once(redis, 'ready', { signal });
      await redis.ping();
    })();
    answered.catch(() => undefined);
    try {
      await Promise.race([answered, timedOut]);
    } catch {
      // Never the driver's text (`connect ECONNREFUSED host:port`): /health may be public.
      throw new Error(signal.aborted ? `no answer within ${timeoutMs}ms` : 'unreachable');
    }
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
    this.redis = undefined;
  }

  private connect(url: string, timeoutMs: number): Redis {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: timeoutMs,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    });
    redis.on('error', () => undefined);
    return redis;
  }
}

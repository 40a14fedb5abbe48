import { once } from 'node:events';
import { Inject, Injectable } from '@nestjs/common';
import { DLQ_STORE } from '../bootstrap/bootstrap.constants.js';
import type { DlqStore } from '../bootstrap/dlq-store.interface.js';

/** /health's Redis ping, on the app's one connection (the DLQ store's). */
@Injectable()
export class RedisPingClient {
  constructor(@Inject(DLQ_STORE) private readonly store: DlqStore) {}

  /**
   * Resolves when Redis answers PING within `timeoutMs` (waiting for a reconnect if needed);
   * otherwise rejects with `no answer within <timeoutMs>ms` or `unreachable`, never the driver's
   * message.
   */
  async ping(timeoutMs: number): Promise<void> {
    if (this.store.store !== 'redis') return;
    const { redis } = this.store;
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
}

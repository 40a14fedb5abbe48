import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DLQ_STORE } from '../bootstrap/bootstrap.constants.js';
import type { DlqStore } from '../bootstrap/dlq-store.interface.js';
import { RedisPingClient } from './redis-ping.client.js';

/** `redis`: PING within the timeout (up with store `memory` when the DLQ is in memory). */
@Injectable()
export class DlqStoreHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(RedisPingClient) private readonly redis: RedisPingClient,
    @Inject(DLQ_STORE) private readonly store: DlqStore,
  ) {}

  async check(timeoutMs: number): Promise<HealthIndicatorResult<'redis'>> {
    const indicator = this.health.check('redis');
    if (this.store.store === 'memory') return indicator.up({ dlq: 'memory', message: 'not used' });
    try {
      await this.redis.ping(timeoutMs);
      return indicator.up({ dlq: 'redis' });
    } catch (error) {
      return indicator.down({ dlq: 'redis', message: (error as Error).message });
    }
  }
}

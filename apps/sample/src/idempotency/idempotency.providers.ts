import { FASTMCP_RESOLVED_OPTIONS, type ResolvedFastMcpOptions } from '@app/fastmcp';
import type { Provider } from '@nestjs/common';
import { DLQ_STORE } from '../bootstrap/bootstrap.constants.js';
import type { DlqStore } from '../bootstrap/dlq-store.interface.js';
import { SAMPLE_CONFIG } from '../config/sample-config.constants.js';
import type { SampleConfig } from '../config/sample-config.interface.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyPolicy } from './idempotency-policy.js';
import { IDEMPOTENCY_RECORDS } from './idempotency-record.js';
import { MemoryIdempotencyRecords } from './memory-idempotency-records.js';
import { RedisIdempotencyRecords } from './redis-idempotency-records.js';

/** Idempotency-Key records where the dead letters are: in Redis when the app uses it. */
export const idempotencyProviders: Provider[] = [
  {
    provide: IDEMPOTENCY_RECORDS,
    useFactory: (store: DlqStore) =>
      store.store === 'redis'
        ? new RedisIdempotencyRecords(store.redis)
        : new MemoryIdempotencyRecords(),
    inject: [DLQ_STORE],
  },
  {
    provide: IdempotencyPolicy,
    useFactory: (config: SampleConfig, options: ResolvedFastMcpOptions) =>
      new IdempotencyPolicy(config.idempotencyTtlMs, options),
    inject: [SAMPLE_CONFIG, FASTMCP_RESOLVED_OPTIONS],
  },
  IdempotencyInterceptor,
];

import { Logger, type Provider } from '@nestjs/common';
import { SAMPLE_CONFIG } from '../config/sample-config.constants.js';
import type { SampleConfig } from '../config/sample-config.interface.js';
import { SampleConfigError } from '../config/sample-config.error.js';
import { DLQ_STORE } from './bootstrap.constants.js';
import type { DlqStore } from './dlq-store.interface.js';
import { probeRedis } from './redis-probe.js';

const PROBE_TIMEOUT_MS = 2000;
const HOW_TO = 'set REDIS_URL=redis://host:6379 to keep dead letters in Redis';

/**
 * Redis when REDIS_URL answers; otherwise the in-memory DLQ with a warning, unless FASTMCP_DLQ=redis
 * asks for Redis, in which case the start fails.
 */
export async function chooseDlqStore(config: SampleConfig, logger: Logger): Promise<DlqStore> {
  if (config.dlqStore === 'memory') return { store: 'memory' };
  if (!config.redisUrl) {
    logger.warn(
      `REDIS_URL is not set: dead letters are kept in memory and lost on restart; ${HOW_TO}`,
    );
    return { store: 'memory' };
  }
  const failure = await probeRedis(config.redisUrl, PROBE_TIMEOUT_MS);
  if (failure === null) return { store: 'redis', url: config.redisUrl };
  if (config.dlqStore === 'redis') {
    throw new SampleConfigError([
      { variable: 'REDIS_URL', message: `Redis is unreachable (${failure}) and FASTMCP_DLQ=redis` },
    ]);
  }
  logger.warn(
    `Redis at REDIS_URL is unreachable (${failure}): dead letters are kept in memory and lost on ` +
      `restart; start Redis or ${HOW_TO} (FASTMCP_DLQ=redis makes this an error)`,
  );
  return { store: 'memory' };
}

export const dlqStoreProvider: Provider = {
  provide: DLQ_STORE,
  useFactory: (config: SampleConfig) => chooseDlqStore(config, new Logger('Sample')),
  inject: [SAMPLE_CONFIG],
};

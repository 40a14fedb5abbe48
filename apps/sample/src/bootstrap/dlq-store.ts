import type { Logger } from '@nestjs/common';
import type { SampleConfig } from '../config/sample-config.interface.js';
import { SampleConfigError } from '../config/sample-config.error.js';
import type { DlqStore } from './dlq-store.interface.js';
import { closeSampleRedis, openSampleRedis } from './sample-redis.js';

const HOW_TO = 'set REDIS_URL=redis://host:6379 to keep dead letters in Redis';

/**
 * With REDIS_URL set, the Redis store from the start: while Redis is unreachable it buffers and
 * keeps reconnecting (FASTMCP_DLQ=redis makes an unreachable Redis fail the start instead).
 * Memory when FASTMCP_DLQ=memory or REDIS_URL is unset. The log says which store and why.
 */
export async function chooseDlqStore(config: SampleConfig, logger: Logger): Promise<DlqStore> {
  if (config.dlqStore === 'memory') {
    logger.log(
      'DLQ store: memory (FASTMCP_DLQ=memory): dead letters are saved to the spill file at a graceful stop and lost if the process dies',
    );
    return { store: 'memory' };
  }
  if (!config.redisUrl) {
    logger.warn(
      `REDIS_URL is not set: dead letters are kept in memory (DLQ store: memory), saved to the spill file at a graceful stop and lost if the process dies; ${HOW_TO}`,
    );
    return { store: 'memory' };
  }
  const where = redisAddress(config.redisUrl);
  const { redis, failure } = await openSampleRedis(config.redisUrl, logger);
  const store: DlqStore = { store: 'redis', url: config.redisUrl, redis };
  if (failure === null) {
    logger.log(`DLQ store: Redis at ${where} (REDIS_URL is set and answered)`);
    return store;
  }
  if (config.dlqStore === 'redis') {
    await closeSampleRedis(redis);
    throw new SampleConfigError([
      { variable: 'REDIS_URL', message: `Redis is unreachable (${failure}) and FASTMCP_DLQ=redis` },
    ]);
  }
  logger.warn(
    `DLQ store: Redis at ${where} (REDIS_URL is set), unreachable at start (${failure}): dead ` +
      'letters are buffered in memory and written once it answers; /health reports redis down ' +
      'until then (FASTMCP_DLQ=memory chooses memory, FASTMCP_DLQ=redis makes this an error)',
  );
  return store;
}

/** host:port/db of a Redis URL, never its credentials. */
function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

import { DLQ_REDIS_CONNECTION_OPTIONS } from '@app/fastmcp';
import { type Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

/** Connection errors are logged at most this often (ioredis reports each reconnect attempt). */
const ERROR_LOG_INTERVAL_MS = 10_000;

export interface SampleRedis {
  redis: Redis;
  /** Why the first connect failed (the driver's message), or null when Redis answered. */
  failure: string | null;
}

/**
 * Opens the app's one Redis connection, with the options FastMcpModule gives its own (no offline
 * queue, 2 s timeouts, reconnects forever), and waits for the first connect. A failed first
 * connect leaves it reconnecting in the background; the caller decides whether that is fatal.
 */
export async function openSampleRedis(url: string, logger: Logger): Promise<SampleRedis> {
  const redis = new Redis(url, { ...DLQ_REDIS_CONNECTION_OPTIONS, lazyConnect: true });
  let lastError: string | null = null;
  let loggedAt = 0;
  redis.on('error', (error: Error) => {
    lastError = error.message;
    if (Date.now() - loggedAt < ERROR_LOG_INTERVAL_MS) return;
    loggedAt = Date.now();
    logger.warn(`Redis connection error: ${error.message}`);
  });
  try {
    await redis.connect();
    await redis.ping();
    return { redis, failure: null };
  } catch (error) {
    return { redis, failure: lastError ?? (error as Error).message };
  }
}

/** QUIT, or a hard disconnect when Redis does not answer. */
export async function closeSampleRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}

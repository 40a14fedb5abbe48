import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisServerHandle } from '../../test/support/redis-server.js';

export interface RedisOutage {
  stoppedAt: number;
  restartedAt: number;
}

/**
 * Stops and restarts the soak's redis-server `count` times, evenly spread over `durationMs`,
 * each outage `outageMs` long. Resolves when the last restart is done (or at once when aborted).
 */
export async function runRedisChaos(
  redis: RedisServerHandle,
  options: { count: number; durationMs: number; outageMs: number; signal: AbortSignal },
  log: (line: string) => void,
): Promise<RedisOutage[]> {
  const outages: RedisOutage[] = [];
  const start = Date.now();
  for (let k = 1; k <= options.count; k += 1) {
    const at = start + (k * options.durationMs) / (options.count + 1) - options.outageMs / 2;
    await sleep(Math.max(0, at - Date.now()), undefined, { signal: options.signal }).catch(
      () => undefined,
    );
    if (options.signal.aborted) break;
    await redis.stop();
    const stoppedAt = Date.now();
    log(`redis-server stopped (outage ${k} of ${options.count})`);
    await sleep(options.outageMs);
    await redis.start();
    outages.push({ stoppedAt, restartedAt: Date.now() });
    log(`redis-server restarted after ${Date.now() - stoppedAt} ms`);
  }
  return outages;
}

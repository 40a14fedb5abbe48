import { redisUrlProblem } from '@app/fastmcp';
import type { EnvReader } from './env-reader.js';

export const REDIS_URL_ENV = 'REDIS_URL';

/**
 * REDIS_URL, checked as ioredis will read it (`redis://[[user]:password@]host[:port][/db]`, or
 * `rediss://`), so a bad one fails here naming the variable, not later inside the driver. The
 * messages never repeat the value: it may hold a password.
 */
export function readRedisUrlEnv(env: EnvReader): string | undefined {
  const raw = env.string(REDIS_URL_ENV);
  if (raw === undefined) return undefined;
  const problem = problemOf(raw);
  return problem === undefined ? raw : env.fail(REDIS_URL_ENV, problem);
}

function problemOf(raw: string): string | undefined {
  if (!/^rediss?:\/\//i.test(raw)) {
    return 'expected redis://[[user]:password@]host[:port][/db] or rediss://...';
  }
  if (!URL.canParse(raw)) {
    return 'is not a valid URL (a port 1..65535, special characters percent-encoded)';
  }
  if (raw.includes('#')) return 'must not have a #fragment';
  // What the module checks of `dlq.redis.url`: the same rules for the app's one connection.
  return redisUrlProblem(new URL(raw));
}

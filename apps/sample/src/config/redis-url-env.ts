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
  const problem = redisUrlProblem(raw);
  return problem === undefined ? raw : env.fail(REDIS_URL_ENV, problem);
}

function redisUrlProblem(raw: string): string | undefined {
  if (!/^rediss?:\/\//i.test(raw)) {
    return 'expected redis://[[user]:password@]host[:port][/db] or rediss://...';
  }
  if (!URL.canParse(raw)) {
    return 'is not a valid URL (a port 1..65535, special characters percent-encoded)';
  }
  const url = new URL(raw);
  if (url.hostname === '') return 'must name a host';
  if (url.port === '0') return 'must have a port 1..65535';
  if (!decodes(url.username) || !decodes(url.password)) {
    return 'has a user name or password that is not valid percent-encoding';
  }
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d{1,9}$/.test(url.pathname)) {
    return 'must have no path but a database number (/0, /1, ...)';
  }
  if (raw.includes('#')) return 'must not have a #fragment';
  return undefined;
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

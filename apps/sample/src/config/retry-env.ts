import type { RetryOptions } from '@app/fastmcp';
import type { EnvReader } from './env-reader.js';

/** The environment variable of each retry option. */
export const RETRY_ENV: Readonly<Record<keyof RetryOptions, string>> = {
  maxRetries: 'FASTMCP_RETRY_MAX_RETRIES',
  initialDelayMs: 'FASTMCP_RETRY_INITIAL_DELAY_MS',
  multiplier: 'FASTMCP_RETRY_MULTIPLIER',
  maxDelayMs: 'FASTMCP_RETRY_MAX_DELAY_MS',
  jitter: 'FASTMCP_RETRY_JITTER',
  totalTimeoutMs: 'FASTMCP_RETRY_TOTAL_TIMEOUT_MS',
  requestTimeoutMs: 'FASTMCP_REQUEST_TIMEOUT_MS',
  retryableStatusCodes: 'FASTMCP_RETRY_STATUS_CODES',
  notDeliveredStatusCodes: 'FASTMCP_RETRY_NOT_DELIVERED_STATUS_CODES',
  ambiguousToolCalls: 'FASTMCP_RETRY_AMBIGUOUS_TOOL_CALLS',
};

/** The retry options set in the environment; ranges are checked by the module's own validation. */
export function readRetryEnv(env: EnvReader): Partial<RetryOptions> {
  const retry: Partial<RetryOptions> = {
    maxRetries: env.integer(RETRY_ENV.maxRetries, 0, 100),
    initialDelayMs: env.number(RETRY_ENV.initialDelayMs),
    multiplier: env.number(RETRY_ENV.multiplier),
    maxDelayMs: env.number(RETRY_ENV.maxDelayMs),
    jitter: env.number(RETRY_ENV.jitter),
    totalTimeoutMs: env.number(RETRY_ENV.totalTimeoutMs),
    requestTimeoutMs: env.number(RETRY_ENV.requestTimeoutMs),
    retryableStatusCodes: statusCodes(env, RETRY_ENV.retryableStatusCodes),
    notDeliveredStatusCodes: statusCodes(env, RETRY_ENV.notDeliveredStatusCodes),
    ambiguousToolCalls: ambiguousToolCalls(env),
  };
  return Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined));
}

function statusCodes(env: EnvReader, name: string): number[] | undefined {
  const raw = env.string(name);
  if (raw === undefined) return undefined;
  const codes = raw.split(',').map((part) => part.trim());
  if (codes.every((code) => /^\d{3}$/.test(code))) return codes.map(Number);
  return env.fail(name, 'expected comma-separated HTTP status codes');
}

function ambiguousToolCalls(env: EnvReader): RetryOptions['ambiguousToolCalls'] | undefined {
  const raw = env.string(RETRY_ENV.ambiguousToolCalls);
  if (raw === undefined || raw === 'when-safe' || raw === 'always') return raw;
  return env.fail(RETRY_ENV.ambiguousToolCalls, 'expected when-safe or always');
}

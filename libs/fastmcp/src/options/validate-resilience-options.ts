import type { OptionChecks } from './option-checks.js';
import {
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RETRY_BUDGET,
  resolveResilience,
} from './resilience-defaults.js';
import type { ResilienceOptions } from './resilience-options.interface.js';

const KNOWN_FIELDS: Record<keyof ResilienceOptions, readonly string[]> = {
  circuitBreaker: Object.keys(DEFAULT_CIRCUIT_BREAKER),
  retryBudget: Object.keys(DEFAULT_RETRY_BUDGET),
  rateLimit: Object.keys(DEFAULT_RATE_LIMIT),
};

/**
 * Checks one level of `resilience` (module or server) over the defaults: a bad module value is
 * reported once, under `resilience`, not again under each server that overrides something else.
 */
export function checkResilience(
  checks: OptionChecks,
  field: string,
  own: ResilienceOptions | undefined,
): void {
  if (own === undefined) return;
  if (!checks.plainObject(field, own)) return;
  for (const key of Object.keys(own)) {
    const known = KNOWN_FIELDS[key as keyof ResilienceOptions];
    if (!known) {
      checks.fail(`${field}.${key}`, 'is not an option (circuitBreaker, retryBudget, rateLimit)');
      continue;
    }
    const value = own[key as keyof ResilienceOptions];
    if (value === undefined || value === false || !checks.plainObject(`${field}.${key}`, value)) {
      continue;
    }
    for (const name of Object.keys(value)) {
      if (!known.includes(name)) checks.fail(`${field}.${key}.${name}`, 'is not an option');
    }
  }
  if (checks.issues.some((issue) => issue.field.startsWith(field))) return;
  const { circuitBreaker, retryBudget, rateLimit } = resolveResilience(undefined, own);
  if (circuitBreaker) {
    const at = `${field}.circuitBreaker`;
    checks.oneOf(`${at}.mode`, circuitBreaker.mode, ['consecutive', 'rate']);
    checks.integer(`${at}.consecutiveFailures`, circuitBreaker.consecutiveFailures, 1);
    checks.number(`${at}.failureRate`, circuitBreaker.failureRate, 0.01, 1);
    checks.integer(`${at}.windowMs`, circuitBreaker.windowMs, 1000);
    checks.integer(`${at}.minimumAttempts`, circuitBreaker.minimumAttempts, 1);
    checks.integer(`${at}.openMs`, circuitBreaker.openMs, 1);
    checks.integer(`${at}.halfOpenProbes`, circuitBreaker.halfOpenProbes, 1, 1000);
  }
  if (retryBudget) {
    checks.number(`${field}.retryBudget.ratio`, retryBudget.ratio, 0);
    checks.number(`${field}.retryBudget.minPerSecond`, retryBudget.minPerSecond, 0);
  }
  if (rateLimit) {
    const at = `${field}.rateLimit`;
    checks.number(`${at}.requestsPerSecond`, rateLimit.requestsPerSecond, 0.001);
    checks.integer(`${at}.maxConcurrent`, rateLimit.maxConcurrent, 1);
    checks.integer(`${at}.maxQueue`, rateLimit.maxQueue, 0);
    checks.oneOf(`${at}.adaptive`, rateLimit.adaptive, [true, false]);
    checks.number(
      `${at}.minRequestsPerSecond`,
      rateLimit.minRequestsPerSecond,
      0.001,
      rateLimit.requestsPerSecond,
    );
  }
}

import type { OptionChecks } from './option-checks.js';
import { resolveResilience } from './resilience-defaults.js';
import type { ResilienceOptions } from './resilience-options.interface.js';

/** Checks one level of `resilience` (module or server), merged as it will be used. */
export function checkResilience(
  checks: OptionChecks,
  field: string,
  own: ResilienceOptions | undefined,
  moduleLevel?: ResilienceOptions,
): void {
  if (own === undefined) return;
  if (!checks.plainObject(field, own)) return;
  for (const key of ['circuitBreaker', 'retryBudget', 'rateLimit'] as const) {
    const value = own[key];
    if (value !== undefined && value !== false) checks.plainObject(`${field}.${key}`, value);
  }
  if (checks.issues.some((issue) => issue.field.startsWith(field))) return;
  const { circuitBreaker, retryBudget, rateLimit } = resolveResilience(moduleLevel, own);
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

import type { OptionChecks } from './option-checks.js';
import {
  CIRCUIT_BREAKER_FIELDS,
  type FieldSet,
  RATE_LIMIT_FIELDS,
  RESILIENCE_FIELDS,
  RETRY_BUDGET_FIELDS,
} from './option-fields.js';
import { MAX_TIMER_MS } from './option-limits.js';
import { resolveResilience } from './resilience-defaults.js';
import type { RateLimitOptions, ResilienceOptions } from './resilience-options.interface.js';

const POLICY_FIELDS: Readonly<Record<keyof ResilienceOptions, FieldSet<object>>> = {
  circuitBreaker: CIRCUIT_BREAKER_FIELDS,
  retryBudget: RETRY_BUDGET_FIELDS,
  rateLimit: RATE_LIMIT_FIELDS,
};

/**
 * Checks one level of `resilience`: the module's (`inherited` undefined), or a server's over
 * the module's (`inherited`: the module's, given only when it passed its own checks), merged as
 * the pipeline merges them. A bad module value is reported once, under `resilience`, not again
 * under each server. Returns whether this level is good.
 */
export function checkResilience(
  checks: OptionChecks,
  field: string,
  own: unknown,
  inherited?: ResilienceOptions,
): boolean {
  if (own === undefined) return true;
  const before = checks.issues.length;
  if (!checks.options(field, own, RESILIENCE_FIELDS)) return false;
  // Each policy is checked on its own: one of the wrong shape is left out, the others still are.
  const level: ResilienceOptions = {};
  for (const [key, value] of Object.entries(own)) {
    const known = POLICY_FIELDS[key as keyof ResilienceOptions] as FieldSet<object> | undefined;
    if (!known) continue;
    const issues = checks.issues.length;
    if (value !== undefined && value !== false) checks.options(`${field}.${key}`, value, known);
    if (checks.issues.length === issues) Object.assign(level, { [key]: value });
  }
  const { circuitBreaker, retryBudget, rateLimit } = resolveResilience(inherited, level);
  if (circuitBreaker) {
    const at = `${field}.circuitBreaker`;
    checks.oneOf(`${at}.mode`, circuitBreaker.mode, ['consecutive', 'rate']);
    checks.integer(`${at}.consecutiveFailures`, circuitBreaker.consecutiveFailures, 1);
    checks.number(`${at}.failureRate`, circuitBreaker.failureRate, 0.01, 1);
    checks.integer(`${at}.windowMs`, circuitBreaker.windowMs, 1000, MAX_TIMER_MS);
    checks.integer(`${at}.minimumAttempts`, circuitBreaker.minimumAttempts, 1);
    checks.integer(`${at}.openMs`, circuitBreaker.openMs, 1, MAX_TIMER_MS);
    checks.integer(`${at}.halfOpenProbes`, circuitBreaker.halfOpenProbes, 1, 1000);
  }
  if (retryBudget) {
    checks.number(`${field}.retryBudget.ratio`, retryBudget.ratio, 0);
    checks.number(`${field}.retryBudget.minPerSecond`, retryBudget.minPerSecond, 0);
  }
  if (rateLimit) {
    const at = `${field}.rateLimit`;
    const rateIssues = checks.issues.length;
    checks.number(`${at}.requestsPerSecond`, rateLimit.requestsPerSecond, 0.001);
    checks.integer(`${at}.maxConcurrent`, rateLimit.maxConcurrent, 1);
    checks.integer(`${at}.maxQueue`, rateLimit.maxQueue, 0);
    checks.oneOf(`${at}.adaptive`, rateLimit.adaptive, [true, false]);
    checks.number(`${at}.minRequestsPerSecond`, rateLimit.minRequestsPerSecond, 0.001);
    if (checks.issues.length === rateIssues) {
      checkRateFloor(checks, field, rateLimit, level, inherited);
    }
  }
  return checks.issues.length === before;
}

/** `minRequestsPerSecond` <= `requestsPerSecond`, naming the level each of them comes from. */
function checkRateFloor(
  checks: OptionChecks,
  field: string,
  { requestsPerSecond: rate, minRequestsPerSecond: floor }: RateLimitOptions,
  own: ResilienceOptions,
  inherited: ResilienceOptions | undefined,
): void {
  if (floor <= rate) return;
  const source = (key: keyof RateLimitOptions): string => {
    const level = [own, inherited].find((r) => r?.rateLimit && r.rateLimit[key] !== undefined);
    return level === undefined
      ? `the default ${key}`
      : `${level === own ? field : 'resilience'}.rateLimit.${key}`;
  };
  const ownRate = own.rateLimit || {};
  if (ownRate.minRequestsPerSecond !== undefined || ownRate.requestsPerSecond === undefined) {
    checks.fail(
      `${field}.rateLimit.minRequestsPerSecond`,
      `must be at most ${source('requestsPerSecond')} (${rate}), got ${floor}`,
    );
  } else {
    checks.fail(
      `${field}.rateLimit.requestsPerSecond`,
      `must be at least ${source('minRequestsPerSecond')} (${floor}), got ${rate}`,
    );
  }
}

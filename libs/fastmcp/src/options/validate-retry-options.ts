import { OPERATION_NAMES } from '../events/operation-name.js';
import type { OptionChecks } from './option-checks.js';
import { RETRY_FIELDS, RETRY_POLICY_FIELDS } from './option-fields.js';
import { MAX_TIMER_MS } from './option-limits.js';
import type { RetryOptions, RetryOptionsInput } from './retry-options.interface.js';

/**
 * Checks a configured `retry` (the module's or `servers.X.retry`): its keys, then the policy
 * `policyOf` makes of it, then each `operations` override over that policy.
 */
export function checkRetryInput(
  checks: OptionChecks,
  field: string,
  retry: unknown,
  policyOf: (retry: RetryOptionsInput) => RetryOptions,
): void {
  if (!checks.options(field, retry, RETRY_FIELDS)) return;
  const policy = policyOf(retry);
  checkRetry(checks, policy, field);
  const operations = retry.operations;
  if (operations === undefined || !checks.plainObject(`${field}.operations`, operations)) return;
  for (const [operation, overrides] of Object.entries(operations)) {
    const at = `${field}.operations.${operation}`;
    checks.oneOf(at, operation, OPERATION_NAMES);
    if (checks.options(at, overrides, RETRY_POLICY_FIELDS)) {
      checkRetry(checks, { ...policy, ...overrides }, at);
    }
  }
}

/** Checks a retry policy; `prefix` names it in the issues (`retry`, `opts.retry`). */
export function checkRetry(checks: OptionChecks, retry: RetryOptions, prefix: string): void {
  checks.integer(`${prefix}.maxRetries`, retry.maxRetries, 0, 100);
  checks.number(`${prefix}.initialDelayMs`, retry.initialDelayMs, 0, MAX_TIMER_MS);
  checks.number(`${prefix}.multiplier`, retry.multiplier, 1);
  checks.number(`${prefix}.maxDelayMs`, retry.maxDelayMs, 0, MAX_TIMER_MS);
  const { initialDelayMs, maxDelayMs } = retry;
  if (inRange(initialDelayMs) && inRange(maxDelayMs) && maxDelayMs < initialDelayMs) {
    checks.fail(
      `${prefix}.maxDelayMs`,
      `must be at least ${prefix}.initialDelayMs (${initialDelayMs}), got ${maxDelayMs}`,
    );
  }
  checks.number(`${prefix}.jitter`, retry.jitter, 0, 1);
  checks.number(`${prefix}.totalTimeoutMs`, retry.totalTimeoutMs, 1, MAX_TIMER_MS);
  checks.number(`${prefix}.requestTimeoutMs`, retry.requestTimeoutMs, 1, MAX_TIMER_MS);
  if (!Array.isArray(retry.retryableStatusCodes)) {
    checks.fail(`${prefix}.retryableStatusCodes`, 'must be an array of HTTP status codes');
    return;
  }
  retry.retryableStatusCodes.forEach((code, i) =>
    checks.integer(`${prefix}.retryableStatusCodes[${i}]`, code, 100, 599),
  );
  checks.oneOf(`${prefix}.ambiguousToolCalls`, retry.ambiguousToolCalls, ['when-safe', 'always']);
  if (!Array.isArray(retry.notDeliveredStatusCodes)) {
    checks.fail(`${prefix}.notDeliveredStatusCodes`, 'must be an array of HTTP status codes');
    return;
  }
  retry.notDeliveredStatusCodes.forEach((code, i) =>
    checks.integer(`${prefix}.notDeliveredStatusCodes[${i}]`, code, 100, 599),
  );
}

function inRange(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_MS;
}

import { OPERATION_NAMES } from '../events/operation-name.js';
import type { ResolvedFastMcpOptions } from './fastmcp-options.interface.js';
import { isOptionsObject, type OptionChecks } from './option-checks.js';
import { RETRY_FIELDS, RETRY_POLICY_FIELDS } from './option-fields.js';
import { MAX_TIMER_MS } from './option-limits.js';
import type { RetryOptions } from './retry-options.interface.js';
import { retryPolicyFields } from './retry-policy-fields.js';

/** One level of a merged retry policy: the option it is set at, and its fields (if set). */
interface RetryLevel {
  field: string;
  fields: unknown;
}

/** How a policy's fields are named in issues: one prefix, or a name for each field. */
type RetryFieldNames = string | ((key: keyof RetryOptions) => string);

/** Checks the module's `retry`: its keys, its policy, and each `operations` policy over it. */
export function checkModuleRetry(
  checks: OptionChecks,
  retry: unknown,
  resolved: ResolvedFastMcpOptions,
): void {
  if (!checks.options('retry', retry, RETRY_FIELDS)) return;
  const module: RetryLevel = { field: 'retry', fields: resolved.retry };
  checkLevels(checks, [module]);
  for (const [operation, overrides] of Object.entries(operationsOf(checks, 'retry', retry))) {
    checkLevels(checks, [module, { field: `retry.operations.${operation}`, fields: overrides }]);
  }
}

/**
 * Checks `servers.X.retry`: its keys, then every policy the client merges from it at run time
 * (RetryPolicies: the module's `retry`, this one, then `operations[op]` of the module and of
 * this server).
 */
export function checkServerRetry(
  checks: OptionChecks,
  field: string,
  retry: unknown,
  resolved: ResolvedFastMcpOptions,
): void {
  if (!checks.options(field, retry, RETRY_FIELDS)) return;
  const own = operationsOf(checks, field, retry);
  const server: RetryLevel[] = [
    { field: 'retry', fields: resolved.retry },
    { field, fields: retryPolicyFields(retry) },
  ];
  checkLevels(checks, server);
  for (const operation of OPERATION_NAMES) {
    const moduleOverrides = resolved.retryOperations[operation];
    if (moduleOverrides === undefined && own[operation] === undefined) continue;
    checkLevels(checks, [
      ...server,
      { field: `retry.operations.${operation}`, fields: moduleOverrides },
      { field: `${field}.operations.${operation}`, fields: own[operation] },
    ]);
  }
}

/** The `operations` of a `retry` whose keys are good, by operation; names the bad ones. */
function operationsOf(
  checks: OptionChecks,
  field: string,
  retry: Record<string, unknown>,
): Record<string, object> {
  const good: Record<string, object> = {};
  const operations = retry.operations;
  if (operations === undefined || !checks.plainObject(`${field}.operations`, operations)) {
    return good;
  }
  for (const [operation, overrides] of Object.entries(operations)) {
    const at = `${field}.operations.${operation}`;
    checks.oneOf(at, operation, OPERATION_NAMES);
    if (checks.options(at, overrides, RETRY_POLICY_FIELDS)) good[operation] = overrides;
  }
  return good;
}

/**
 * Checks the policy `levels` merge into, as RetryPolicies merges them (each level's own fields
 * over the earlier ones'); each field is named at the level its value comes from. A level that
 * is not an object was named already, and its policies are not checked.
 */
function checkLevels(checks: OptionChecks, levels: readonly RetryLevel[]): void {
  const set = levels.filter((level) => level.fields !== undefined);
  if (!set.every((level) => isOptionsObject(level.fields))) return;
  const source = new Map<string, number>();
  set.forEach((level, i) =>
    Object.keys(level.fields as object).forEach((key) => source.set(key, i)),
  );
  const levelOf = (key: keyof RetryOptions): number => source.get(key) ?? 0;
  const policy = Object.assign({}, ...set.map((level) => level.fields)) as RetryOptions;
  checkRetry(
    checks,
    policy,
    (key) => `${set[levelOf(key)].field}.${key}`,
    levelOf('initialDelayMs') > levelOf('maxDelayMs'),
  );
}

/**
 * Checks a retry policy; `names` names its fields in the issues (`retry`, `opts.retry`). Of
 * `maxDelayMs` below `initialDelayMs`, `maxDelayMs` is blamed, or `initialDelayMs` when
 * `blameInitialDelay` (it was set at a more specific level).
 */
export function checkRetry(
  checks: OptionChecks,
  retry: RetryOptions,
  names: RetryFieldNames,
  blameInitialDelay = false,
): void {
  const at = typeof names === 'string' ? (key: string) => `${names}.${key}` : names;
  checks.integer(at('maxRetries'), retry.maxRetries, 0, 100);
  checks.number(at('initialDelayMs'), retry.initialDelayMs, 0, MAX_TIMER_MS);
  checks.number(at('multiplier'), retry.multiplier, 1);
  checks.number(at('maxDelayMs'), retry.maxDelayMs, 0, MAX_TIMER_MS);
  const { initialDelayMs, maxDelayMs } = retry;
  if (inRange(initialDelayMs) && inRange(maxDelayMs) && maxDelayMs < initialDelayMs) {
    if (blameInitialDelay) {
      checks.fail(
        at('initialDelayMs'),
        `must be at most ${at('maxDelayMs')} (${maxDelayMs}), got ${initialDelayMs}`,
        at('maxDelayMs'),
      );
    } else {
      checks.fail(
        at('maxDelayMs'),
        `must be at least ${at('initialDelayMs')} (${initialDelayMs}), got ${maxDelayMs}`,
        at('initialDelayMs'),
      );
    }
  }
  checks.number(at('jitter'), retry.jitter, 0, 1);
  checks.number(at('totalTimeoutMs'), retry.totalTimeoutMs, 1, MAX_TIMER_MS);
  checks.number(at('requestTimeoutMs'), retry.requestTimeoutMs, 1, MAX_TIMER_MS);
  checkErrorStatuses(checks, at('retryableStatusCodes'), retry.retryableStatusCodes);
  checks.oneOf(at('ambiguousToolCalls'), retry.ambiguousToolCalls, ['when-safe', 'always']);
  checkErrorStatuses(checks, at('notDeliveredStatusCodes'), retry.notDeliveredStatusCodes);
}

/** Only an error status (4xx, 5xx) can fail a request: a 2xx or 3xx in the list does nothing. */
function checkErrorStatuses(checks: OptionChecks, field: string, codes: unknown): void {
  if (!Array.isArray(codes)) {
    checks.fail(field, 'must be an array of HTTP error statuses (400-599)');
    return;
  }
  codes.forEach((code: unknown, i) => {
    if (!Number.isInteger(code) || (code as number) < 400 || (code as number) > 599) {
      checks.fail(`${field}[${i}]`, `must be an HTTP error status (400-599), got ${String(code)}`);
    }
  });
}

function inRange(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_MS;
}

import { ERROR_CLASS_PATTERN } from '../dlq/core/dlq-input.validation.js';
import { DLQ_OPERATION_NAMES } from '../events/operation-name.js';
import { CLIENT_ID_PATTERN } from './client-id.js';
import type { ResolvedDlqOptions, ResolvedRedrivePolicy } from './fastmcp-options.interface.js';
import { ALL_DEAD_LETTER_KINDS } from './fastmcp-options.defaults.js';
import { HEADER_NAME, isOptionsObject, type OptionChecks } from './option-checks.js';
import { DLQ_FIELDS, REDRIVE_MATCH_FIELDS, REDRIVE_POLICY_FIELDS } from './option-fields.js';
import { MAX_DATE_OFFSET_MS, MAX_TIMER_MS } from './option-limits.js';
import { checkRedis, giveOneRedisSource } from './validate-redis-options.js';

const KEY_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/;

/** Checks `dlq` as given (`raw`) and as resolved over the defaults. */
export function checkDlq(
  checks: OptionChecks,
  raw: unknown,
  dlq: Readonly<ResolvedDlqOptions> | false,
): void {
  if (raw !== undefined && raw !== false && !isOptionsObject(raw)) {
    checks.fail('dlq', 'must be an object or false');
    return;
  }
  if (raw === undefined || dlq === false || !checks.options('dlq', raw, DLQ_FIELDS)) return;
  checks.oneOf('dlq.store', dlq.store, ['redis', 'memory']);
  if (raw.redis !== undefined) checkRedis(checks, raw.redis, dlq.store);
  else if (dlq.store === 'redis') giveOneRedisSource(checks);
  if (raw.redis !== undefined && raw.store === 'memory') {
    checks.fail('dlq.redis', "is given with store: 'memory', which would ignore it; remove one");
  }
  checks.pattern('dlq.keyPrefix', dlq.keyPrefix, KEY_PREFIX_PATTERN, 'letters, digits, : . _ -');
  checks.integer('dlq.ttlMs', dlq.ttlMs, 1000, MAX_DATE_OFFSET_MS);
  checks.integer('dlq.maxEntries', dlq.maxEntries, 1);
  checks.integer('dlq.maxArgumentBytes', dlq.maxArgumentBytes, 64);
  checks.integer('dlq.bufferSize', dlq.bufferSize, 1);
  checks.integer('dlq.replayLeaseMs', dlq.replayLeaseMs, 100, MAX_TIMER_MS);
  checks.integer('dlq.dedupWindowMs', dlq.dedupWindowMs, 0, MAX_DATE_OFFSET_MS);
  checks.integer('dlq.redriveIntervalMs', dlq.redriveIntervalMs, 100, MAX_TIMER_MS);
  checkRedrive(checks, raw.redrive, dlq.redrive);
  if (dlq.spillFile !== false && (typeof dlq.spillFile !== 'string' || dlq.spillFile === '')) {
    checks.fail('dlq.spillFile', 'must be a file path or false');
  } else if (typeof dlq.spillFile === 'string' && dlq.spillFile.includes('\0')) {
    checks.fail('dlq.spillFile', 'must not contain a NUL character');
  }
  if (!Array.isArray(dlq.storeKinds)) {
    checks.fail('dlq.storeKinds', 'must be an array');
  } else {
    dlq.storeKinds.forEach((kind, i) =>
      checks.oneOf(`dlq.storeKinds[${i}]`, kind, ALL_DEAD_LETTER_KINDS),
    );
  }
  if (!Array.isArray(dlq.secretHeaders)) {
    checks.fail('dlq.secretHeaders', 'must be an array of header names');
  } else {
    // A name no header can have redacts nothing; it is not quoted (it may be a pasted secret).
    for (let i = 0; i < dlq.secretHeaders.length; i++) {
      const name: unknown = dlq.secretHeaders[i];
      if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
        checks.fail(`dlq.secretHeaders[${i}]`, 'must be an HTTP header name');
      }
    }
  }
}

/** Each policy as given (`raw`, for its keys) and as resolved (`after` in ms, defaults filled). */
function checkRedrive(checks: OptionChecks, raw: unknown, redrive: unknown): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw) || !Array.isArray(redrive)) {
    checks.fail('dlq.redrive', 'must be an array of redrive policies');
    return;
  }
  const policies = redrive as ResolvedRedrivePolicy[];
  // An index loop, not forEach: a hole in the array is a missing policy, not none.
  for (let i = 0; i < policies.length; i++) {
    const policy = policies[i];
    const at = `dlq.redrive[${i}]`;
    if (!checks.options(at, raw[i], REDRIVE_POLICY_FIELDS)) continue;
    if (!Number.isFinite(policy.afterMs) || policy.afterMs > MAX_DATE_OFFSET_MS) {
      checks.fail(`${at}.after`, 'must be a duration of at most 10 years: ms, or 30s, 5m, 2h, 1d');
    }
    if (typeof policy.backoff !== 'number' || !(policy.backoff >= 1) || policy.backoff > 100) {
      checks.fail(`${at}.backoff`, 'must be a number 1..100');
    }
    checks.integer(`${at}.maxRedrives`, policy.maxRedrives, 1, 1000);
    checkMatch(checks, `${at}.match`, policy.match);
  }
}

/** Every list a match gives is non-empty and holds values an entry can have. */
function checkMatch(checks: OptionChecks, field: string, match: unknown): void {
  if (!checks.options(field, match, REDRIVE_MATCH_FIELDS)) return;
  for (const [key, values] of Object.entries(match)) {
    if (!Object.hasOwn(REDRIVE_MATCH_FIELDS, key)) continue;
    if (
      !Array.isArray(values) ||
      values.length === 0 ||
      values.some((v) => typeof v !== 'string')
    ) {
      checks.fail(`${field}.${key}`, 'must be a non-empty array of strings');
      continue;
    }
    values.forEach((value: string, j) => {
      const at = `${field}.${key}[${j}]`;
      if (key === 'operation') checks.oneOf(at, value, DLQ_OPERATION_NAMES);
      else if (key === 'errorClass') {
        checks.pattern(
          at,
          value,
          ERROR_CLASS_PATTERN,
          'an error class such as http_503 or timeout (letters, digits, _ . : -)',
        );
      } else
        checks.pattern(at, value, CLIENT_ID_PATTERN, 'a client id of letters, digits, . _ : -');
    });
  }
}

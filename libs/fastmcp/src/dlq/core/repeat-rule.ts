import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import type { RetryOptions } from '../../options/retry-options.interface.js';

/**
 * What a call's own options said about sending a `tools/call` again, where they overrode the
 * module's: a replay of its dead letter keeps to them. A caller who said a 503 may follow a
 * forwarded request (`notDeliveredStatusCodes: [429]`) would otherwise see the replay resend
 * after a 503, under the module's `[429, 503]`.
 */
export type RepeatRule = Partial<
  Pick<RetryOptions, 'notDeliveredStatusCodes' | 'ambiguousToolCalls'>
>;

const MAX_CODES = 100;

/** The rule of a call's retry overrides; undefined when they change neither field. */
export function repeatRuleOfCall(retry: Partial<RetryOptions> | undefined): RepeatRule | undefined {
  if (!retry) return undefined;
  const rule: RepeatRule = {};
  if (retry.notDeliveredStatusCodes) {
    rule.notDeliveredStatusCodes = [...retry.notDeliveredStatusCodes];
  }
  if (retry.ambiguousToolCalls) rule.ambiguousToolCalls = retry.ambiguousToolCalls;
  return Object.keys(rule).length > 0 ? rule : undefined;
}

/** A stored or imported rule, checked (DlqValidationError naming the field); undefined for none. */
export function repeatRuleOf(value: unknown): RepeatRule | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DlqValidationError('repeatRule', 'expected an object');
  }
  const {
    notDeliveredStatusCodes: codes,
    ambiguousToolCalls: ambiguous,
    ...rest
  } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new DlqValidationError(`repeatRule.${unknown.slice(0, 40)}`, 'is not a field of it');
  }
  const rule: RepeatRule = {};
  if (codes !== undefined) {
    const statuses = Array.isArray(codes) && codes.length <= MAX_CODES ? codes : undefined;
    if (!statuses?.every((code) => Number.isInteger(code) && code >= 400 && code <= 599)) {
      throw new DlqValidationError(
        'repeatRule.notDeliveredStatusCodes',
        `expected at most ${MAX_CODES} HTTP error statuses (400-599)`,
      );
    }
    rule.notDeliveredStatusCodes = statuses as number[];
  }
  if (ambiguous !== undefined) {
    if (ambiguous !== 'when-safe' && ambiguous !== 'always') {
      throw new DlqValidationError(
        'repeatRule.ambiguousToolCalls',
        "expected 'when-safe' or 'always'",
      );
    }
    rule.ambiguousToolCalls = ambiguous;
  }
  return Object.keys(rule).length > 0 ? rule : undefined;
}

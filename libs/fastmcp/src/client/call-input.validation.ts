import { TOOL_NAME_MAX_BYTES } from '../dlq/core/dlq.constants.js';
import { DLQ_PRIORITIES } from '../dlq/core/failed-operation.interface.js';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { isAnyObject, OptionChecks } from '../options/option-checks.js';
import { type FieldSet, RETRY_POLICY_FIELDS } from '../options/option-fields.js';
import { MAX_TIMER_MS } from '../options/option-limits.js';
import type { CallOptions } from './call-options.interface.js';

const CALL_OPTION_FIELDS = {
  signal: true,
  timeoutMs: true,
  retry: true,
  onProgress: true,
  resetTimeoutOnProgress: true,
  maxTotalTimeoutMs: true,
  priority: true,
  task: true,
} satisfies FieldSet<CallOptions>;

/**
 * Refuses call options a typed caller could not give (an unknown key, a wrong type): each would
 * otherwise be ignored or fail deep inside with a bare TypeError. `timeoutMs` and `retry` are
 * checked with the policy they make (RetryPolicies.forCall).
 */
export function assertCallOptions(opts: unknown): asserts opts is CallOptions {
  if (opts === undefined) return;
  const checks = new OptionChecks();
  if (checks.options('opts', opts, CALL_OPTION_FIELDS)) {
    const { signal, onProgress, resetTimeoutOnProgress, maxTotalTimeoutMs, priority } = opts;
    if (signal !== undefined && !isSignal(signal)) {
      checks.fail('opts.signal', 'must be an AbortSignal');
    }
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      checks.fail('opts.onProgress', 'must be a function');
    }
    if (resetTimeoutOnProgress !== undefined && typeof resetTimeoutOnProgress !== 'boolean') {
      checks.fail('opts.resetTimeoutOnProgress', 'must be true or false');
    }
    if (maxTotalTimeoutMs !== undefined) {
      checks.number('opts.maxTotalTimeoutMs', maxTotalTimeoutMs, 1, MAX_TIMER_MS);
    }
    if (priority !== undefined) checks.oneOf('opts.priority', priority, DLQ_PRIORITIES);
    if (opts.task !== undefined && typeof opts.task !== 'boolean') {
      checks.fail('opts.task', 'must be true or false');
    }
    // Unknown keys (a misspelt maxRetries) and non-objects; the values are checked with the policy.
    if (opts.retry !== undefined) checks.options('opts.retry', opts.retry, RETRY_POLICY_FIELDS);
  }
  if (checks.issues.length > 0) throw new FastMcpConfigError(checks.issues, 'call');
}

/**
 * Refuses a tool name that is not a non-empty string, and arguments that are not an object JSON
 * can write as they are (a BigInt, a cycle, a NaN, a Map): the server would only refuse them, after a request and a
 * retry, and a dead letter of them could never be replayed.
 */
export function assertToolCall(toolName: unknown, args: unknown): void {
  const checks = new OptionChecks();
  checks.nonEmptyString('toolName', toolName);
  if (typeof toolName === 'string' && Buffer.byteLength(toolName) > TOOL_NAME_MAX_BYTES) {
    checks.fail('toolName', `must be at most ${TOOL_NAME_MAX_BYTES} bytes of UTF-8`);
  }
  if (args !== undefined) {
    if (!isAnyObject(args)) {
      checks.fail('args', 'must be an object of the tool arguments');
    } else {
      const problem = jsonProblem(args);
      if (problem) checks.fail('args', `must be JSON: ${problem}`);
    }
  }
  if (checks.issues.length > 0) throw new FastMcpConfigError(checks.issues, 'call');
}

function isSignal(value: unknown): value is AbortSignal {
  const signal = value as Partial<AbortSignal> | null;
  return (
    typeof signal === 'object' &&
    signal !== null &&
    typeof signal.aborted === 'boolean' &&
    typeof signal.addEventListener === 'function' &&
    typeof signal.removeEventListener === 'function'
  );
}

/** A value JSON would write as something else, so the tool would run with other arguments. */
class LossyValue extends Error {}

/**
 * Refuses what JSON.stringify would quietly change: NaN and Infinity (sent as null), a Map or a
 * Set (sent as {}) and a function (left out).
 */
function refuseLossy(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new LossyValue(`${String(value)} cannot be written (JSON would send null)`);
  }
  if (value instanceof Map || value instanceof Set) {
    throw new LossyValue(`a ${value.constructor.name} cannot be written (JSON would send {})`);
  }
  if (typeof value === 'function') {
    throw new LossyValue('a function cannot be written (JSON would leave it out)');
  }
  return value;
}

/** Why JSON.stringify cannot write `value` as it is (named by kind, never by its values). */
function jsonProblem(value: object): string | undefined {
  try {
    // A Date, a boxed string or a toJSON() that returns an array would be sent as that.
    const json: unknown = JSON.stringify(value, refuseLossy);
    return typeof json === 'string' && json.startsWith('{')
      ? undefined
      : 'it does not write as an object';
  } catch (error) {
    if (error instanceof LossyValue) return error.message;
    const message = error instanceof Error ? error.message : '';
    if (/BigInt/i.test(message)) return 'a BigInt cannot be written';
    if (/circular/i.test(message)) return 'it refers to itself (a cycle)';
    return 'it cannot be written';
  }
}

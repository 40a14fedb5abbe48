import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import { DLQ_OPERATION_NAMES, type DlqOperationName } from '../../events/operation-name.js';
import { CLIENT_ID_PATTERN } from '../../options/validate-options.js';
import { DLQ_DEFAULT_PAGE_LIMIT, DLQ_MAX_PAGE_LIMIT } from './dlq.constants.js';
import { isDlqId } from './dlq-id.js';
import { DLQ_PRIORITIES, type DlqPriority } from './failed-operation.interface.js';

/** Shows at most 64 characters of a rejected value in an error message. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const text = typeof value === 'string' ? JSON.stringify(value) : textOf(value);
  return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}

/** A value as text, whatever it is: an object with no usable `toString` is `[object Object]`. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  try {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any value, as String() shows it
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Options passed as something other than an object (`null`, a number...) are refused. */
export function assertOptionsObject(field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DlqValidationError(field, `expected an object, got ${show(value)}`);
  }
}

/**
 * Refuses a key `known` does not list (a misspelt filter would otherwise read as no filter, and
 * a bulk replay would take every entry), naming it as `<field>.<key>`.
 */
export function assertKnownKeys(field: string, value: object, known: readonly string[]): void {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw new DlqValidationError(`${field}.${unknown}`, `not one of ${known.join(', ')}`);
  }
}

/** `force` as given: true or false (left out: false). `'yes'` would otherwise read as false. */
export function forceOf(field: string, force: unknown): boolean {
  if (force === undefined || typeof force === 'boolean') return force === true;
  throw new DlqValidationError(field, `expected true or false, got ${show(force)}`);
}

export function assertDlqId(id: unknown): asserts id is string {
  if (!isDlqId(id)) throw new DlqValidationError('id', `expected a 26-char ULID, got ${show(id)}`);
}

export function assertClientId(clientId: unknown): asserts clientId is string {
  if (typeof clientId !== 'string' || !CLIENT_ID_PATTERN.test(clientId)) {
    throw new DlqValidationError(
      'clientId',
      `expected 1-128 chars of letters, digits, . _ : - starting with a letter or digit, got ${show(clientId)}`,
    );
  }
}

/** Error classes as the client names them: `http_503`, `protocol_-32602`, `stream_cut`... */
export const ERROR_CLASS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export function assertErrorClass(errorClass: unknown): asserts errorClass is string {
  if (typeof errorClass !== 'string' || !ERROR_CLASS_PATTERN.test(errorClass)) {
    throw new DlqValidationError(
      'errorClass',
      `expected 1-64 chars of letters, digits, _ . : - (e.g. http_503), got ${show(errorClass)}`,
    );
  }
}

export function assertOperation(operation: unknown): asserts operation is DlqOperationName {
  if (!DLQ_OPERATION_NAMES.includes(operation as DlqOperationName)) {
    throw new DlqValidationError(
      'operation',
      `expected one of ${DLQ_OPERATION_NAMES.join(', ')}, got ${show(operation)}`,
    );
  }
}

/** The page limit to use: default 50, else an integer 1..500. */
export function pageLimit(limit: unknown): number {
  if (limit === undefined) return DLQ_DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > DLQ_MAX_PAGE_LIMIT) {
    throw new DlqValidationError(
      'limit',
      `expected an integer 1..${DLQ_MAX_PAGE_LIMIT}, got ${show(limit)}`,
    );
  }
  return limit as number;
}

export function assertOlderThan(olderThanMs: unknown): asserts olderThanMs is number {
  if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new DlqValidationError(
      'olderThanMs',
      `expected a finite number >= 0, got ${show(olderThanMs)}`,
    );
  }
}

export function assertPriority(priority: unknown): asserts priority is DlqPriority {
  if (!DLQ_PRIORITIES.includes(priority as DlqPriority)) {
    throw new DlqValidationError(
      'priority',
      `expected one of ${DLQ_PRIORITIES.join(', ')}, got ${show(priority)}`,
    );
  }
}

/** The priority of a new entry: `normal` when none is given, else a valid one. */
export function priorityOf(priority: unknown): DlqPriority {
  if (priority === undefined) return 'normal';
  assertPriority(priority);
  return priority;
}

/** Longer than any ISO 8601 timestamp: a "date" this long is not one. */
const DATE_MAX_LENGTH = 64;

/** The time a date string (or Date) names, in ms; NaN when it names none. */
export function dateMs(value: unknown): number {
  if (value instanceof Date) {
    // An object made from Date.prototype without being a Date throws on getTime().
    try {
      return value.getTime();
    } catch {
      return Number.NaN;
    }
  }
  return typeof value === 'string' && value.length <= DATE_MAX_LENGTH
    ? Date.parse(value)
    : Number.NaN;
}

/**
 * A timestamp as an entry keeps it: ISO 8601 in UTC, or the time of `fallbackMs` when none is
 * given. Anything else is refused rather than stored, so an entry stays small and sortable.
 */
export function isoDateOf(field: string, value: unknown, fallbackMs: number): string {
  if (value === undefined || value === null) return new Date(fallbackMs).toISOString();
  const ms = dateMs(value);
  if (!Number.isFinite(ms)) {
    throw new DlqValidationError(field, `expected an ISO 8601 date, got ${show(value)}`);
  }
  return new Date(ms).toISOString();
}

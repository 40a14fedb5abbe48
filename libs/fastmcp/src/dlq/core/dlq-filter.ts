import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import type { DlqAges } from './dlq-age-window.js';
import type { DlqOperationName } from '../../events/operation-name.js';
import {
  assertClientId,
  assertErrorClass,
  assertOperation,
  assertKnownKeys,
  assertPriority,
  show,
} from './dlq-input.validation.js';
import { dlqIdTime } from './dlq-id.js';
import type { DlqIndex } from './dlq-storage.interface.js';
import type { DlqPriority, FailedOperation } from './failed-operation.interface.js';

/**
 * Which entries an export or a bulk replay takes; every given field must hold. The ages
 * (`olderThanMs`, `newerThanMs`) count from creation: the read starts and ends at their bounds.
 */
export interface DlqFilter extends DlqAges {
  operation?: DlqOperationName;
  clientId?: string;
  /** The class of the last failure. */
  errorClass?: string;
  priority?: DlqPriority;
}

const FILTER_KEYS = [
  'operation',
  'clientId',
  'errorClass',
  'priority',
  'olderThanMs',
  'newerThanMs',
] as const satisfies ReadonlyArray<keyof DlqFilter>;

/** Throws DlqValidationError naming the first bad (or unknown) field. */
export function assertFilter(filter: unknown): asserts filter is DlqFilter {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new DlqValidationError('filter', 'expected an object');
  }
  const f = filter as Record<string, unknown>;
  assertKnownKeys('filter', f, FILTER_KEYS);
  if (f.operation !== undefined) assertOperation(f.operation);
  if (f.clientId !== undefined) assertClientId(f.clientId);
  if (f.errorClass !== undefined) assertErrorClass(f.errorClass);
  if (f.priority !== undefined) assertPriority(f.priority);
  assertAges(f);
}

/** Throws DlqValidationError naming `olderThanMs` or `newerThanMs` when one is not ms >= 0. */
export function assertAges(ages: DlqAges): void {
  for (const field of ['olderThanMs', 'newerThanMs'] as const) {
    const value: unknown = ages[field];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) {
      throw new DlqValidationError(field, `expected a number of ms >= 0, got ${show(value)}`);
    }
  }
}

/** The narrowest index the filter allows reading. */
export function indexFor(filter: DlqFilter): DlqIndex {
  if (filter.clientId !== undefined) return { by: 'clientId', value: filter.clientId };
  if (filter.errorClass !== undefined) return { by: 'errorClass', value: filter.errorClass };
  if (filter.operation !== undefined) return { by: 'operation', value: filter.operation };
  if (filter.priority !== undefined) return { by: 'priority', value: filter.priority };
  return { by: 'all' };
}

/**
 * The filter as a test on entries, at time `nowMs`: what an export, a bulk replay and a filtered
 * list take. Ages count from the entry's creation (its id's time), not its last failure.
 */
export function matcher(filter: DlqFilter, nowMs: number): (entry: FailedOperation) => boolean {
  return (entry) => {
    const age = nowMs - dlqIdTime(entry.id);
    return (
      (filter.operation === undefined || entry.operation === filter.operation) &&
      (filter.clientId === undefined || entry.clientId === filter.clientId) &&
      (filter.errorClass === undefined || entry.errorClass === filter.errorClass) &&
      (filter.priority === undefined || (entry.priority ?? 'normal') === filter.priority) &&
      (filter.olderThanMs === undefined || age >= filter.olderThanMs) &&
      (filter.newerThanMs === undefined || age <= filter.newerThanMs)
    );
  };
}

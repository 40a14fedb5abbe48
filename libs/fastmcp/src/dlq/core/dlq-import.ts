import { DlqUnavailableError, isDlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import { isFastMcpError } from '../../errors/fastmcp.error.js';
import type { DlqImportResult } from './dead-letter-queue.interface.js';
import type { DlqEntryWriter } from './dlq-entry.writer.js';
import { isRecord, isTruncationMarker } from './dlq-capping.js';
import { describe } from './dlq-notifier.js';
import type { DlqEntryBuilder } from './dlq-entry.builder.js';
import { assertDlqId, dateMs, isoDateOf, priorityOf } from './dlq-input.validation.js';
import type { FailedOperation, FailedOperationInput } from './failed-operation.interface.js';
import { dlqIdTime } from './dlq-id.js';

/** How far ahead of this clock an imported id's time may be: the clock skew between instances. */
const FUTURE_ID_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * An exported entry brought back: rebuilt through the entry builder (so redaction and caps
 * apply whatever the file holds), with its id, expiry and replay history kept.
 */
export function importedEntry(
  raw: unknown,
  builder: DlqEntryBuilder,
  nowMs: number,
): FailedOperation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DlqValidationError('entry', 'expected a JSON object per line');
  }
  const given = raw as Partial<FailedOperation>;
  assertDlqId(given.id);
  // Paging and age filters read an entry's age from its id: one from ahead of this clock would
  // list as the newest entry, and be newer than any age bound, until that time comes.
  const idTime = dlqIdTime(given.id);
  if (idTime > nowMs + FUTURE_ID_TOLERANCE_MS) {
    const at = new Date(idTime).toISOString();
    throw new DlqValidationError('id', `its time ${at} is ahead of this clock`);
  }
  const built = builder.build(given as FailedOperationInput, nowMs);
  // A replay runs `toolName`: a request naming another tool would show operators the wrong one.
  const namedTool = built.request.params?.name;
  if (namedTool !== undefined && built.toolName !== undefined && namedTool !== built.toolName) {
    throw new DlqValidationError('request.params.name', `names another tool than toolName`);
  }
  const expiresAt = dateMs(given.expiresAt);
  // Stored, it would be swept at once: counted as imported, then gone.
  if (Number.isFinite(expiresAt) && expiresAt <= nowMs) {
    throw new DlqValidationError('expiresAt', `it expired at ${new Date(expiresAt).toISOString()}`);
  }
  const entry: FailedOperation = {
    ...built,
    id: given.id,
    expiresAt: Number.isFinite(expiresAt) ? new Date(expiresAt).toISOString() : built.expiresAt,
    replayCount: countOf('replayCount', given.replayCount, 0) ?? 0,
    priority: priorityOf(given.priority),
  };
  const occurrences = countOf('occurrences', given.occurrences, 1);
  if (occurrences !== undefined) entry.occurrences = occurrences;
  if (given.lastFailedAt !== undefined) {
    entry.lastFailedAt = isoDateOf('lastFailedAt', given.lastFailedAt, nowMs);
  }
  // A negative count would let the entry be redriven past its policy's maxRedrives.
  const redriveCount = countOf('redriveCount', given.redriveCount, 0);
  if (redriveCount !== undefined) entry.redriveCount = redriveCount;
  if (given.redriveExhausted === true) entry.redriveExhausted = true;
  // Exported while a replay ran: that replay may have run the tool, so this copy needs `force`.
  if (given.status === 'replaying') entry.deliveryUnknown = true;
  const nextRedriveAt = dateMs(given.nextRedriveAt);
  if (!entry.deliveryUnknown && Number.isFinite(nextRedriveAt)) {
    entry.nextRedriveAt = new Date(nextRedriveAt).toISOString();
  }
  // Capped arguments replayed would run the tool with the marker: the mark must survive.
  if (given.argumentsTruncated === true || hasTruncationMarker(given)) {
    entry.argumentsTruncated = true;
  }
  return entry;
}

/** A counter as exported: absent, or a whole number from `min`; anything else refuses the line. */
function countOf(field: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  throw new DlqValidationError(field, `expected a whole number >= ${min}`);
}

function hasTruncationMarker(given: Partial<FailedOperation>): boolean {
  const params: unknown = given.request?.params;
  const inParams = isRecord(params) ? params.arguments : undefined;
  return isTruncationMarker(given.arguments) || isTruncationMarker(inParams);
}

/** Invalid values listed in the result; the rest are only counted. */
const INVALID_LISTED = 100;
/** Invalid values after which an import stops reading: that is not an export. */
const INVALID_STOP = 1000;

/**
 * Writes each entry with its id (no dedup): known ids skipped, bad lines counted and the first
 * ones listed with why, so a body of junk costs neither memory nor time past a bound.
 */
export async function importEntries(
  entries: Iterable<unknown> | AsyncIterable<unknown>,
  builder: DlqEntryBuilder,
  writer: DlqEntryWriter,
  now: () => number,
): Promise<DlqImportResult> {
  assertEntrySource(entries);
  const result: DlqImportResult = { imported: 0, skipped: 0, invalid: [], invalidCount: 0 };
  let line = 0;
  for await (const raw of entries) {
    line++;
    let entry: FailedOperation;
    try {
      entry = importedEntry(raw, builder, now());
    } catch (error) {
      result.invalidCount++;
      if (result.invalid.length < INVALID_LISTED) {
        result.invalid.push({ line, reason: describe(error) });
      }
      if (result.invalidCount >= INVALID_STOP) {
        result.stoppedAtLine = line;
        break;
      }
      continue;
    }
    const written = await writer.write(entry, 'import').catch((error: unknown) => {
      throw cutShort(error, result);
    });
    if (written.outcome === 'stored') result.imported++;
    else result.skipped++;
  }
  return result;
}

/**
 * The store's failure as DlqUnavailableError saying how far the import got: the caller sends
 * the same entries again once the store is back, and those already in are skipped. The module's
 * other errors go as they are.
 */
function cutShort(error: unknown, result: DlqImportResult): unknown {
  if (isFastMcpError(error) && !isDlqUnavailableError(error)) return error;
  const why = isDlqUnavailableError(error) ? error.reason : describe(error);
  return new DlqUnavailableError(
    `${why}; ${result.imported} imported and ${result.skipped} skipped before it ` +
      '(importing the same entries again skips those already in)',
    { cause: error },
  );
}

/** An import reads entries one by one: a string (read as characters) or a number is refused. */
function assertEntrySource(entries: unknown): void {
  const iterable =
    typeof entries === 'object' &&
    entries !== null &&
    (Symbol.iterator in entries || Symbol.asyncIterator in entries);
  if (!iterable) {
    throw new DlqValidationError('entries', 'expected an iterable of entries, one object each');
  }
}

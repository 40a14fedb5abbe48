import type { AttemptRecord } from './failed-operation.interface.js';
import { DLQ_ATTEMPTS_KEPT, DLQ_MESSAGE_MAX_BYTES } from './dlq.constants.js';
import { dateMs, textOf } from './dlq-input.validation.js';

/** What replaces arguments (or params) larger than the cap. */
export interface TruncatedValue {
  truncated: true;
  originalBytes: number;
  /** The start of the JSON, within the cap. */
  preview: string;
}

/** Whether `value` is what capJson puts in place of a value larger than its cap. */
export function isTruncationMarker(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const marker = value as Partial<TruncatedValue>;
  return (
    marker.truncated === true &&
    typeof marker.originalBytes === 'number' &&
    typeof marker.preview === 'string'
  );
}

/** Cuts a string to at most `maxBytes` of UTF-8, never inside a character. */
export function capUtf8(text: string, maxBytes: number): string {
  // A UTF-16 unit is at most 3 bytes of UTF-8: short texts need no copy to be measured.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  const suffix = '...[truncated]';
  let end = Math.max(0, maxBytes - suffix.length);
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + suffix;
}

/** What capJson keeps, and at most how many bytes of JSON that is. */
export interface CappedJson {
  value: Record<string, unknown>;
  truncated: boolean;
  bytesAtMost: number;
}

/** The value, or a truncation marker when its JSON is larger than `maxBytes` or not JSON at all. */
export function capJson(value: Record<string, unknown>, maxBytes: number): CappedJson {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) {
    const marker: TruncatedValue = {
      truncated: true,
      originalBytes: -1,
      preview: '[unserializable]',
    };
    return markerOf(marker);
  }
  // As in capUtf8: short JSON is within the cap without being measured.
  const size = json.length * 3 <= maxBytes ? json.length * 3 : Buffer.byteLength(json, 'utf8');
  if (size <= maxBytes) {
    return {
      value: JSON.parse(json) as Record<string, unknown>,
      truncated: false,
      bytesAtMost: size,
    };
  }
  const marker: TruncatedValue = {
    truncated: true,
    originalBytes: size,
    preview: capUtf8(json, Math.min(1024, Math.floor(maxBytes / 2))),
  };
  return markerOf(marker);
}

function markerOf(marker: TruncatedValue): CappedJson {
  const bytesAtMost = Buffer.byteLength(JSON.stringify(marker), 'utf8');
  return { value: { ...marker }, truncated: true, bytesAtMost };
}

/**
 * The last 10 attempts, each message capped at 2 KiB, its time an ISO date (`nowMs` when it has
 * no valid one) and fields reduced to known ones. Attempts are history, not input to act on: a
 * malformed one is mended or dropped, never a reason to lose the entry.
 */
export function capAttempts(
  attempts: readonly AttemptRecord[],
  nowMs: number,
  scrub: (text: string) => string = (text) => text,
): AttemptRecord[] {
  const kept = Array.isArray(attempts)
    ? (attempts as readonly unknown[])
        .filter((a): a is AttemptRecord => isRecord(a))
        .slice(-DLQ_ATTEMPTS_KEPT)
    : [];
  return kept.map((a) => {
    const record: AttemptRecord = {
      at: attemptTime(a.at, nowMs),
      durationMs:
        typeof a.durationMs === 'number' && Number.isFinite(a.durationMs) ? a.durationMs : 0,
      errorClass: capUtf8(textOf(a.errorClass), 64),
      message: capUtf8(scrub(textOf(a.message)), DLQ_MESSAGE_MAX_BYTES),
    };
    if (typeof a.status === 'number') record.status = a.status;
    if (typeof a.code === 'number') record.code = a.code;
    return record;
  });
}

function attemptTime(at: unknown, nowMs: number): string {
  const ms = dateMs(at);
  return new Date(Number.isFinite(ms) ? ms : nowMs).toISOString();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

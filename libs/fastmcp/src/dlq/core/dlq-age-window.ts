import type { DlqCursor } from './dlq-cursor.js';
import { firstDlqIdAt } from './dlq-id.js';

/** Age bounds by creation time, as a filter and a page request give them (ms, both optional). */
export interface DlqAges {
  olderThanMs?: number;
  newerThanMs?: number;
}

/** The creation times (ms) age bounds allow at one moment, both ends included. */
export interface DlqAgeWindow {
  newestMs: number;
  oldestMs: number;
}

export const ANY_AGE: DlqAgeWindow = { newestMs: Infinity, oldestMs: -Infinity };

/**
 * The window at `nowMs`, in whole ms, exactly as the filter's matcher decides each entry
 * (`nowMs - created` against the age): a fractional age must not widen it by a millisecond.
 */
export function ageWindow(ages: DlqAges, nowMs: number): DlqAgeWindow {
  return {
    newestMs: ages.olderThanMs === undefined ? Infinity : newestAllowed(nowMs, ages.olderThanMs),
    oldestMs: ages.newerThanMs === undefined ? -Infinity : oldestAllowed(nowMs, ages.newerThanMs),
  };
}

/** The latest creation time with `nowMs - created >= olderThanMs`; below 0, none is. */
function newestAllowed(nowMs: number, olderThanMs: number): number {
  let created = Math.floor(nowMs - olderThanMs);
  if (!(created >= 0)) return -1;
  while (nowMs - created < olderThanMs) created -= 1;
  while (nowMs - (created + 1) >= olderThanMs) created += 1;
  return created;
}

/** The earliest creation time with `nowMs - created <= newerThanMs`; at or below 0, any is. */
function oldestAllowed(nowMs: number, newerThanMs: number): number {
  let created = Math.ceil(nowMs - newerThanMs);
  if (!(created > 0)) return -Infinity;
  while (nowMs - created > newerThanMs) created += 1;
  while (nowMs - (created - 1) <= newerThanMs) created -= 1;
  return created;
}

/** True when no entry can be in the window (ids start at time 0). */
export function isEmptyWindow(window: DlqAgeWindow): boolean {
  return window.newestMs < Math.max(0, window.oldestMs);
}

/**
 * Where a newest-first read starts: after `cursor`, or past the whole of the window's newest
 * millisecond (before the first id of the next one) when that is older, so entries too new for
 * the window are never read.
 */
export function windowStart(
  cursor: DlqCursor | undefined,
  window: DlqAgeWindow,
): DlqCursor | undefined {
  if (window.newestMs === Infinity || (cursor && cursor.score <= window.newestMs)) return cursor;
  const next = window.newestMs + 1;
  return { score: next, id: firstDlqIdAt(next) };
}

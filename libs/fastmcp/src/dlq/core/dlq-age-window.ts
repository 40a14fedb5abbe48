import type { DlqCursor } from './dlq-cursor.js';
import { lastDlqIdAt } from './dlq-id.js';

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

export function ageWindow(ages: DlqAges, nowMs: number): DlqAgeWindow {
  return {
    newestMs: ages.olderThanMs === undefined ? Infinity : Math.floor(nowMs - ages.olderThanMs),
    oldestMs: ages.newerThanMs === undefined ? -Infinity : nowMs - ages.newerThanMs,
  };
}

/** True when no entry can be in the window (ids start at time 0). */
export function isEmptyWindow(window: DlqAgeWindow): boolean {
  return window.newestMs < Math.max(0, window.oldestMs);
}

/**
 * Where a newest-first read starts: after `cursor`, or after the window's newest millisecond when
 * that is older, so entries too new for the window are never read.
 */
export function windowStart(
  cursor: DlqCursor | undefined,
  window: DlqAgeWindow,
): DlqCursor | undefined {
  if (window.newestMs === Infinity || (cursor && cursor.score <= window.newestMs)) return cursor;
  return { score: window.newestMs, id: lastDlqIdAt(window.newestMs) };
}

import { show } from './dlq-input.validation.js';
import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import type { DlqStats } from './dead-letter-queue.interface.js';
import type { DlqStorage } from './dlq-storage.interface.js';

/** Longest bucket a timeline takes (30 days) and most buckets: a chart's worth, not a scan. */
export const DLQ_TIMELINE_MAX_BUCKET_MS = 30 * 24 * 3600 * 1000;
export const DLQ_TIMELINE_MAX_BUCKETS = 100;
export const DLQ_TIMELINE_MAX_CLASSES = 20;

export interface DlqTimelineRequest {
  /** Width of a bucket, ms (1,000 up to 30 days). */
  bucketMs: number;
  /** How many buckets, the last one holding now (1 to 100). */
  buckets: number;
  /** Error classes counted apart, those with the most entries (0 to 20, default 7); the rest are one series. */
  classes?: number;
}

/** Dead letters per time bucket (by creation, as filters count age), by error class. */
export interface DlqTimeline {
  /** ISO time the first bucket starts; buckets are aligned to multiples of `bucketMs`. */
  startAt: string;
  bucketMs: number;
  /** One series a counted class, then the rest (`errorClass: null`); one count a bucket. */
  series: Array<{ errorClass: string | null; counts: number[] }>;
}

/** Throws DlqValidationError naming the first bad field; returns the request with its defaults. */
export function assertTimelineRequest(request: unknown): Required<DlqTimelineRequest> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new DlqValidationError('timeline', 'expected an object');
  }
  const { bucketMs, buckets, classes = 7 } = request as Record<string, unknown>;
  return {
    bucketMs: integerIn('bucketMs', bucketMs, 1000, DLQ_TIMELINE_MAX_BUCKET_MS),
    buckets: integerIn('buckets', buckets, 1, DLQ_TIMELINE_MAX_BUCKETS),
    classes: integerIn('classes', classes, 0, DLQ_TIMELINE_MAX_CLASSES),
  };
}

/**
 * Counts the storage's entries per bucket ending with the one that holds `nowMs`: every entry from
 * its `all` index, the top classes of `stats` from their own indexes, the rest by difference.
 */
export async function readTimeline(
  storage: DlqStorage,
  stats: DlqStats,
  request: Required<DlqTimelineRequest>,
  nowMs: number,
): Promise<DlqTimeline> {
  const { bucketMs, buckets, classes } = request;
  const fromMs = (Math.floor(nowMs / bucketMs) - buckets + 1) * bucketMs;
  const top = Object.entries(stats.byErrorClass)
    .sort((a, b) => b[1] - a[1])
    .slice(0, classes)
    .map(([errorClass]) => errorClass);
  const [all, ...perClass] = await Promise.all([
    storage.countByTime({ by: 'all' }, fromMs, bucketMs, buckets),
    ...top.map((value) =>
      storage.countByTime({ by: 'errorClass', value }, fromMs, bucketMs, buckets),
    ),
  ]);
  const rest = all.map((count, i) =>
    Math.max(
      0,
      perClass.reduce((left, counts) => left - counts[i], count),
    ),
  );
  return {
    startAt: new Date(fromMs).toISOString(),
    bucketMs,
    series: [
      ...top.map((errorClass, k) => ({ errorClass, counts: perClass[k] })),
      { errorClass: null, counts: rest },
    ],
  };
}

function integerIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new DlqValidationError(
      field,
      `expected an integer from ${min} to ${max}, got ${show(value)}`,
    );
  }
  return value;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `7d`, `12h`, `5m`, `45s`, `500ms`, or digits (ms). */
export const DURATION_PATTERN = /^(\d{1,15})(ms|s|m|h|d)?$/;

/** Milliseconds of a duration (a string matching DURATION_PATTERN or a number), else NaN. */
export function durationMs(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : Number.NaN;
  if (typeof value !== 'string') return Number.NaN;
  const match = DURATION_PATTERN.exec(value);
  if (!match) return Number.NaN;
  return Number(match[1]) * UNIT_MS[(match[2] ?? 'ms') as keyof typeof UNIT_MS];
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `7d`, `12h`, `30m`, `45s`, `500ms`, or a number of milliseconds (digits or a number). */
export const DURATION_PATTERN = /^(\d{1,15})(ms|s|m|h|d)?$/;

/** Milliseconds of a duration that matches DURATION_PATTERN, or a non-negative integer. */
export function durationToMs(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = DURATION_PATTERN.exec(value);
  if (!match) throw new RangeError(`not a duration: ${value}`);
  const unit = (match[2] ?? 'ms') as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
}

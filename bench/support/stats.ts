/** Small statistics for the benchmarks: percentiles, median and spread of rounds. */

/** The p-th percentile (0..100) of `values`, nearest-rank on a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The median of several rounds and their spread: (max - min) / median, as a fraction. */
export interface RoundSummary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median. */
  spread: number;
  rounds: number[];
}

export function summarize(rounds: readonly number[]): RoundSummary {
  const mid = median(rounds);
  const min = Math.min(...rounds);
  const max = Math.max(...rounds);
  return { median: mid, min, max, spread: mid === 0 ? 0 : (max - min) / mid, rounds: [...rounds] };
}

/** Runs `fn` once per round and summarizes each numeric field of its result across rounds. */
export async function rounds<K extends string>(
  count: number,
  fn: (round: number) => Promise<Record<K, number>>,
): Promise<Record<K, RoundSummary>> {
  const results: Array<Record<K, number>> = [];
  for (let round = 0; round < count; round += 1) results.push(await fn(round));
  const keys = Object.keys(results[0]) as K[];
  return Object.fromEntries(
    keys.map((key) => [key, summarize(results.map((r) => r[key]))]),
  ) as Record<K, RoundSummary>;
}

/** Forces a full GC when the process runs with --expose-gc (the bench script passes it). */
export function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
}

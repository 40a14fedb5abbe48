import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/**
 * Forces a full GC: `global.gc` under --expose-gc (the npm scripts pass it), else the flag is
 * turned on at run time and a fresh context's `gc` is used (inside Vitest's workers).
 */
export function forceGc(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

/** heapUsed after a full GC, in bytes. */
export function heapUsedAfterGc(): number {
  forceGc();
  return process.memoryUsage().heapUsed;
}

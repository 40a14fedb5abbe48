import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_OPTIONS } from '../options/fastmcp-options.defaults.js';
import { calculateBackoffWithJitter } from './backoff.js';

const SAMPLES = 10_000;

function sample(retry: number, options = DEFAULT_RETRY_OPTIONS): number[] {
  return Array.from({ length: SAMPLES }, () => calculateBackoffWithJitter(retry, options));
}

describe('calculateBackoffWithJitter', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
  ])('retry %i stays within +/-10%% of %ims over 10,000 samples', (retry, base) => {
    const delays = sample(retry);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(base * 0.9);
    expect(Math.max(...delays)).toBeLessThanOrEqual(base * 1.1);
    const mean = delays.reduce((a, b) => a + b, 0) / SAMPLES;
    expect(Math.abs(mean - base)).toBeLessThan(base * 0.01);
    // The jitter really spreads: both halves of the band are used.
    expect(delays.some((d) => d < base * 0.95)).toBe(true);
    expect(delays.some((d) => d > base * 1.05)).toBe(true);
  });

  it('caps the base delay at maxDelayMs before the jitter', () => {
    const delays = sample(20);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(27_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(33_000);
  });

  it('gives the exact edges of the band for the extreme random values', () => {
    expect(calculateBackoffWithJitter(2, DEFAULT_RETRY_OPTIONS, () => 0)).toBeCloseTo(180);
    expect(calculateBackoffWithJitter(2, DEFAULT_RETRY_OPTIONS, () => 1)).toBeCloseTo(220);
    expect(calculateBackoffWithJitter(2, { ...DEFAULT_RETRY_OPTIONS, jitter: 0 })).toBe(200);
  });

  it('grows by any multiplier, and not at all by 1', () => {
    const fixed = { ...DEFAULT_RETRY_OPTIONS, jitter: 0 };
    expect(calculateBackoffWithJitter(5, { ...fixed, multiplier: 1.5 })).toBeCloseTo(
      100 * 1.5 ** 4,
    );
    expect(calculateBackoffWithJitter(7, { ...fixed, multiplier: 1 })).toBe(100);
    expect(calculateBackoffWithJitter(0, fixed)).toBe(100);
    expect(calculateBackoffWithJitter(100, { ...fixed, maxDelayMs: 5000 })).toBe(5000);
  });
});

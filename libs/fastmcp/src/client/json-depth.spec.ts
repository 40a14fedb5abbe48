import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './json-depth.js';

const deepArray = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('nestsDeeperThan', () => {
  it.each([
    [1, 0, false],
    [{}, 1, false],
    [{}, 0, true],
    [[[]], 2, false],
    [[[]], 1, true],
    [{ a: [1, { b: 'x' }] }, 3, false],
    [{ a: [1, { b: {} }] }, 3, true],
  ])('%j deeper than %i: %s', (value, max, deeper) => {
    expect(nestsDeeperThan(value, max)).toBe(deeper);
  });

  it('measures 50,000 levels without overflowing the stack', () => {
    const value = deepArray(50_000);
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(nestsDeeperThan(value, 256)).toBe(true);
    expect(nestsDeeperThan(value, 50_000)).toBe(false);
  });

  it('finds a deep branch among wide shallow ones', () => {
    const wide = Array.from({ length: 1000 }, () => ({ a: 1 }));
    expect(nestsDeeperThan([...wide, deepArray(300)], 256)).toBe(true);
    expect(nestsDeeperThan([...wide, deepArray(200)], 256)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

const takeAll = (bucket: TokenBucket, now: number): number => {
  let taken = 0;
  while (bucket.tryTake(now)) taken += 1;
  return taken;
};

describe('TokenBucket', () => {
  it('starts full with a burst of max(1, rate) tokens', () => {
    expect(takeAll(new TokenBucket(10, 0), 0)).toBe(10);
    expect(takeAll(new TokenBucket(0.5, 0), 0)).toBe(1);
  });

  it('says when the next token is due, and has it then', () => {
    const bucket = new TokenBucket(0.5, 0);
    takeAll(bucket, 0);
    expect(bucket.msUntilToken(0)).toBe(2000);
    expect(bucket.tryTake(1999)).toBe(false);
    expect(bucket.tryTake(2000)).toBe(true);
  });

  it('counts a token refilled to 0.999... by float rounding as there', () => {
    const bucket = new TokenBucket(10, 0);
    takeAll(bucket, 0);
    expect(bucket.msUntilToken(10)).toBe(90); // 0.1 token there, 0.9 to come
    expect(bucket.msUntilToken(100)).toBe(0);
  });

  it('never holds more than one second of the current rate', () => {
    const bucket = new TokenBucket(10, 0);
    bucket.setRate(2, 0);
    expect(takeAll(bucket, 60_000)).toBe(2);
  });
});

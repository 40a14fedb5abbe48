import { describe, expect, it } from 'vitest';
import { AdaptiveRate } from './adaptive-rate.js';

describe('AdaptiveRate', () => {
  it('climbs back by at least 1 a second when 5% of the ceiling is less', () => {
    const rate = new AdaptiveRate(10, 1);
    expect([rate.decrease(), rate.decrease(), rate.increase(), rate.increase()]).toEqual([
      5, 2.5, 3.5, 4.5,
    ]);
  });

  it('never goes above the ceiling, even with a floor set above it', () => {
    const rate = new AdaptiveRate(10, 20);
    expect([rate.decrease(), rate.increase()]).toEqual([10, 10]);
  });
});

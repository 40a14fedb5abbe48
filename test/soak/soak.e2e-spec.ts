import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak/soak-runner.js';

/**
 * `npm run soak` for 10 seconds at low concurrency: the accounting must be clean. It asserts
 * what was lost, counted twice or run twice (the non-idempotent pay calls), not how fast it went
 * (the budget slack is wide, for loaded CI).
 */
describe('soak (10 s)', () => {
  it('accounts for every operation under faults and Redis restarts', async () => {
    const report = await runSoak({ seconds: 10, concurrency: 4, budgetSlackMs: 1500 });
    const failed = report.checks.filter((c) => !c.ok);
    expect(failed, report.text).toEqual([]);
    expect(report.text).toMatch(/redis-server outages: 2/);
    // Non-idempotent calls ran, and none of them twice (also a check above).
    expect(report.sideEffects.calls).toBeGreaterThan(0);
    expect(report.sideEffects.duplicates).toBe(0);
  }, 180_000);
});

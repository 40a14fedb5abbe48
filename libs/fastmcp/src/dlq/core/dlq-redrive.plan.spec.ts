import { describe, expect, it } from 'vitest';
import { DlqRedrivePlan } from './dlq-redrive.plan.js';
import type { FailedOperation } from './failed-operation.interface.js';

const entry = (redriveCount: number) =>
  ({
    errorClass: 'http_503',
    operation: 'call_tool',
    clientId: 'c',
    redriveCount,
  }) as FailedOperation;

describe('DlqRedrivePlan.nextDueAt', () => {
  it('grows each delay by the backoff, never past 30 days', () => {
    const plan = new DlqRedrivePlan([
      { match: {}, afterMs: 1_000, backoff: 2, maxRedrives: 10_000 },
    ]);
    expect(plan.nextDueAt(entry(0), 0)).toBe(1_000);
    expect(plan.nextDueAt(entry(3), 0)).toBe(8_000);
    expect(plan.nextDueAt(entry(5_000), 0)).toBe(30 * 24 * 3600 * 1000);
  });

  it('is a number with no delay (after 0), even once backoff^n passes the largest number', () => {
    const plan = new DlqRedrivePlan([{ match: {}, afterMs: 0, backoff: 100, maxRedrives: 10_000 }]);
    // 100^155 is Infinity, and 0 × Infinity was NaN: a due time no store can index.
    expect(plan.nextDueAt(entry(155), 5)).toBe(5);
  });
});

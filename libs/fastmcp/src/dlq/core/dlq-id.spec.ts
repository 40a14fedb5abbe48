import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './dlq-cursor.js';
import { DLQ_ID_PATTERN, DlqIdGenerator, dlqIdTime, isDlqId } from './dlq-id.js';

describe('DlqIdGenerator', () => {
  it('makes unique ULIDs that sort by time, and in creation order within one millisecond', () => {
    const ids = new DlqIdGenerator();
    const made = [
      ...Array.from({ length: 1000 }, () => ids.next(1_700_000_000_000)),
      ids.next(1_700_000_000_001),
      ids.next(1_699_999_999_999), // the clock stepped back
    ];
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
    for (const id of made) expect(id).toMatch(DLQ_ID_PATTERN);
    expect(dlqIdTime(made[0])).toBe(1_700_000_000_000);
    expect(dlqIdTime(made[1001])).toBe(1_700_000_000_001);
  });

  it('accepts only the strict pattern', () => {
    const id = new DlqIdGenerator().next(Date.now());
    expect(isDlqId(id)).toBe(true);
    for (const bad of [
      id.toLowerCase(),
      `${id}0`,
      id.slice(1),
      `${id.slice(0, 25)}I`,
      '*',
      '',
      42,
      null,
    ]) {
      expect(isDlqId(bad)).toBe(false);
    }
  });
});

describe('cursor', () => {
  it('round-trips and rejects anything it did not make', () => {
    const id = new DlqIdGenerator().next(1_700_000_000_000);
    const cursor = encodeCursor({ score: 1_700_000_000_000, id });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ score: 1_700_000_000_000, id });
    expect(decodeCursor(undefined)).toBeUndefined();
    const forged = [
      'x'.repeat(200),
      '@@',
      Buffer.from(`v2:1700000000000:${id}`).toString('base64url'),
      Buffer.from(`v1:1700000000001:${id}`).toString('base64url'),
      Buffer.from(`v1:-1:${id}`).toString('base64url'),
      Buffer.from('v1:1:*').toString('base64url'),
      123,
    ];
    for (const bad of forged) expect(() => decodeCursor(bad)).toThrow(/invalid DLQ cursor/);
  });
});

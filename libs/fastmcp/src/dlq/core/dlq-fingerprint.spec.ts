import { describe, expect, it } from 'vitest';
import { failedInput } from '../../../../../test/support/dlq/dlq-test-context.js';
import { DlqEntryBuilder } from './dlq-entry.builder.js';
import { failureFingerprint } from './dlq-fingerprint.js';

const builder = new DlqEntryBuilder({ ttlMs: 60_000, maxArgumentBytes: 4096, secretHeaders: [] });

function fingerprintOf(args: Record<string, unknown> | undefined) {
  return failureFingerprint(builder.build(failedInput({ arguments: args }), Date.now()));
}

describe('failureFingerprint', () => {
  it('is the same whatever the order of the keys, at every depth', () => {
    const one = { b: 2, a: { y: [3, { d: null, c: 'x"y' }], x: true } };
    const other = { a: { x: true, y: [3, { c: 'x"y', d: null }] }, b: 2 };

    expect(fingerprintOf(one)).toBe(fingerprintOf(other));
    expect(fingerprintOf({ list: [1, 2] })).not.toBe(fingerprintOf({ list: [2, 1] }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: '1' }));
  });

  // Dedup keys in Redis are named by it: a new version must name a failure as the last one did,
  // or a rolling deploy would store twice what it should fold. Values from the earlier version.
  it('names a failure as the previous version did', () => {
    expect(fingerprintOf({ b: 2, a: { y: [3, { d: null, c: 'x"y' }], x: true } })).toBe(
      'CDUZvp_MkykO8BKFBTkiXOssQIk',
    );
    expect(fingerprintOf({ é: 'ü', '\n': 1.5e-7, z: [] })).toBe('j8EIQFVT68VggdgC6ymQvNECAuo');
    expect(fingerprintOf(undefined)).toBe('-Kg5SmNMUsKF0NH1bkXtSkQN0EU');
  });

  it('keeps a __proto__ key of parsed arguments as a key', () => {
    const withProto = JSON.parse('{"z":1,"__proto__":{"x":1}}') as Record<string, unknown>;
    const without = { z: 1 };

    expect(fingerprintOf(withProto)).not.toBe(fingerprintOf(without));
  });
});

import { ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { IdempotencyRecord } from './idempotency-record.js';
import { MEMORY_IDEMPOTENCY_KEYS, MemoryIdempotencyRecords } from './memory-idempotency-records.js';

const running: IdempotencyRecord = { state: 'running', fingerprint: 'f', deadline: 0 };
const done: IdempotencyRecord = { state: 'done', fingerprint: 'f', status: 200, body: { ok: 1 } };

describe('MemoryIdempotencyRecords', () => {
  it('claims a key once, then hands back what is kept under it until it is released', async () => {
    const records = new MemoryIdempotencyRecords();
    expect(await records.claim('k', running, 1000)).toBeNull();
    expect(await records.claim('k', running, 1000)).toEqual(running);
    await records.finish('k', done, 1000);
    expect(await records.claim('k', running, 1000)).toEqual(done);
    await records.release('k');
    expect(await records.claim('k', running, 1000)).toBeNull();
  });

  it('forgets a key once its time is up', async () => {
    let now = 0;
    const records = new MemoryIdempotencyRecords(() => now);
    await records.claim('k', running, 1000);
    now = 999;
    expect(await records.claim('k', running, 1000)).toEqual(running);
    now = 1000;
    expect(await records.claim('k', running, 1000)).toBeNull();
  });

  it('stays bounded: a new key past the limit pushes out the oldest finished one, never a running one', async () => {
    const records = new MemoryIdempotencyRecords();
    for (let i = 0; i < MEMORY_IDEMPOTENCY_KEYS; i++) await records.claim(`k${i}`, running, 60_000);
    await expect(records.claim('one more', running, 60_000)).rejects.toThrow(
      ServiceUnavailableException,
    );
    await records.finish('k5', done, 60_000);
    expect(await records.claim('one more', running, 60_000)).toBeNull();
    expect(await records.claim('k4', running, 60_000)).toEqual(running);
    await records.release('k0');
    expect(await records.claim('k5', running, 60_000), 'k5 was pushed out').toBeNull();
  });
});

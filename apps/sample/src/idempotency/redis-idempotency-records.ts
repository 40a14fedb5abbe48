import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { IdempotencyRecord, IdempotencyRecords } from './idempotency-record.js';

/** Every instance on one Redis shares the records, so a retry that lands elsewhere is answered. */
export class RedisIdempotencyRecords implements IdempotencyRecords {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'fastmcp-sample:idempotency:',
  ) {}

  async claim(
    key: string,
    record: IdempotencyRecord,
    ttlMs: number,
  ): Promise<IdempotencyRecord | null> {
    const name = this.keyOf(key);
    // Twice at most: the record found taken may expire before it is read.
    for (let tries = 0; tries < 2; tries++) {
      const taken = await this.redis.set(name, JSON.stringify(record), 'PX', ttlMs, 'NX');
      if (taken === 'OK') return null;
      const existing = await this.redis.get(name);
      if (existing !== null) return JSON.parse(existing) as IdempotencyRecord;
    }
    throw new Error('the idempotency record changed while it was read');
  }

  async finish(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void> {
    await this.redis.set(this.keyOf(key), JSON.stringify(record), 'PX', ttlMs);
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.keyOf(key));
  }

  /** Hashed: a key is the client's text, never part of a Redis key name as it is. */
  private keyOf(key: string): string {
    return this.prefix + createHash('sha256').update(key).digest('hex');
  }
}

import { ServiceUnavailableException } from '@nestjs/common';
import type { IdempotencyRecord, IdempotencyRecords } from './idempotency-record.js';

/** Keys kept at most: past it the oldest finished one makes room, so memory stays bounded. */
export const MEMORY_IDEMPOTENCY_KEYS = 10_000;

interface Kept {
  record: IdempotencyRecord;
  expiresAt: number;
}

/** Records in this process, for an app that runs as one instance (no REDIS_URL). */
export class MemoryIdempotencyRecords implements IdempotencyRecords {
  /** In the order keys were first claimed: every key lives as long, so the oldest expire first. */
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly now: () => number = Date.now) {}

  claim(key: string, record: IdempotencyRecord, ttlMs: number): Promise<IdempotencyRecord | null> {
    // In a promise: a full map is a rejection, as a store that cannot answer is.
    return new Promise((resolve) => resolve(this.take(key, record, ttlMs)));
  }

  finish(key: string, record: IdempotencyRecord, ttlMs: number): Promise<void> {
    this.kept.set(key, { record, expiresAt: this.now() + ttlMs });
    return Promise.resolve();
  }

  release(key: string): Promise<void> {
    this.kept.delete(key);
    return Promise.resolve();
  }

  private take(key: string, record: IdempotencyRecord, ttlMs: number): IdempotencyRecord | null {
    this.sweep();
    const existing = this.kept.get(key);
    if (existing) return existing.record;
    if (this.kept.size >= MEMORY_IDEMPOTENCY_KEYS) this.evictOldestFinished();
    this.kept.set(key, { record, expiresAt: this.now() + ttlMs });
    return null;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, kept] of this.kept) {
      if (kept.expiresAt > now) return;
      this.kept.delete(key);
    }
  }

  private evictOldestFinished(): void {
    for (const [key, kept] of this.kept) {
      if (kept.record.state === 'done') {
        this.kept.delete(key);
        return;
      }
    }
    throw new ServiceUnavailableException(
      `${MEMORY_IDEMPOTENCY_KEYS} calls with an Idempotency-Key are running: try again later (not sent)`,
    );
  }
}

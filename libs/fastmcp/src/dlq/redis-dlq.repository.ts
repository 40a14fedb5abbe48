import type { Redis } from 'ioredis';
import { DlqEntryNotFoundError } from '../errors/dlq-entry-not-found.error.js';
import { ReplayConflictError } from '../errors/replay-conflict.error.js';
import type { DlqStats } from './dead-letter-queue.interface.js';
import {
  DLQ_STATS_TOP_CLIENTS,
  DLQ_STATS_TOP_ERROR_CLASSES,
  DLQ_SWEEP_BATCH,
} from './dlq.constants.js';
import type { DlqCorruptEntries } from './dlq-corrupt-entries.js';
import type { DlqCursor } from './dlq-cursor.js';
import { dlqIdTime } from './dlq-id.js';
import type { FailedOperation } from './failed-operation.interface.js';
import type { RedisDlqKeys } from './redis-dlq.keys.js';
import type { LuaScript } from './lua-script.js';
import * as scripts from './redis-dlq.scripts.js';

export interface InsertResult {
  stored: boolean;
  expired: string[];
  evicted: string[];
}

/** The Redis store's data access: one script per mutation, plain reads for the rest. */
export class RedisDlqRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisDlqKeys,
    private readonly corrupt?: DlqCorruptEntries,
  ) {}

  /** Sweeps a batch of expired entries, stores the entry if its id is new, evicts beyond the cap. */
  async insert(entry: FailedOperation, nowMs: number, maxEntries: number): Promise<InsertResult> {
    const reply = (await this.run(scripts.STORE_SCRIPT, [
      entry.id,
      JSON.stringify(entry),
      dlqIdTime(entry.id),
      Date.parse(entry.expiresAt),
      entry.operation,
      entry.clientId,
      entry.errorClass,
      nowMs,
      DLQ_SWEEP_BATCH,
      maxEntries,
    ])) as [number, string[], string[]];
    return { stored: reply[0] === 1, expired: reply[1], evicted: reply[2] };
  }

  async remove(id: string): Promise<boolean> {
    return (await this.run(scripts.DELETE_SCRIPT, [id])) === 1;
  }

  /** Removes every expired entry, one atomic batch of 500 per script call; returns the count. */
  async sweepAll(nowMs: number, onBatch: (ids: string[]) => void): Promise<number> {
    let removed = 0;
    for (let batch = DLQ_SWEEP_BATCH; batch === DLQ_SWEEP_BATCH; removed += batch) {
      const ids = (await this.run(scripts.SWEEP_SCRIPT, [nowMs, DLQ_SWEEP_BATCH])) as string[];
      onBatch(ids);
      batch = ids.length;
    }
    return removed;
  }

  /** Removes every entry created before `beforeMs`, in atomic batches; returns the count. */
  async cleanup(beforeMs: number): Promise<number> {
    let removed = 0;
    for (let batch = DLQ_SWEEP_BATCH; batch === DLQ_SWEEP_BATCH; removed += batch) {
      const args = [Math.floor(beforeMs), DLQ_SWEEP_BATCH];
      batch = (await this.run(scripts.CLEANUP_SCRIPT, args)) as number;
    }
    return removed;
  }

  /** Up to `count` ids of an index, newest first, strictly older than the cursor. */
  async pageIds(index: string, cursor: DlqCursor | undefined, count: number): Promise<string[]> {
    if (!cursor) return this.redis.zrevrangebyscore(index, '+inf', '-inf', 'LIMIT', 0, count);
    // Same-millisecond ids share a score: take those below the cursor id, then the older scores.
    const ties = (await this.redis.zrangebyscore(index, cursor.score, cursor.score))
      .filter((id) => id < cursor.id)
      .reverse()
      .slice(0, count);
    if (ties.length === count) return ties;
    const older = await this.redis.zrevrangebyscore(
      index,
      `(${cursor.score}`,
      '-inf',
      'LIMIT',
      0,
      count - ties.length,
    );
    return [...ties, ...older];
  }

  /**
   * The entries of these ids, null where the entry is gone or its value is not JSON (reported to
   * `corrupt`; `heal` keeps such an entry, since its key exists).
   */
  async entries(ids: readonly string[]): Promise<Array<FailedOperation | null>> {
    if (ids.length === 0) return [];
    const keys = ids.map((id) => this.keys.entry(id));
    const values = await this.redis.mget(keys);
    return values.map((json, i) => (json === null ? null : this.parse(json, keys[i])));
  }

  private parse(json: string, key: string): FailedOperation | null {
    try {
      return JSON.parse(json) as FailedOperation;
    } catch {
      this.corrupt?.report(key);
      return null;
    }
  }

  /** Which of these ids have a live replay lease. */
  async liveLeases(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const values = await this.redis.mget(ids.map((id) => this.keys.lease(id)));
    return new Set(ids.filter((_, i) => values[i] !== null));
  }

  /** Drops ids whose entry is gone from every index (and from `index`, the one read). */
  async heal(index: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await scripts.HEAL_SCRIPT.run(this.redis, [index], [this.keys.base, ...ids])) as number;
  }

  async stats(nowMs: number): Promise<DlqStats> {
    const reply = await this.redis
      .multi()
      .zcard(this.keys.all)
      .zrange(this.keys.stat('op'), 0, -1, 'WITHSCORES')
      .zrevrange(this.keys.stat('client'), 0, DLQ_STATS_TOP_CLIENTS - 1, 'WITHSCORES')
      .zrevrange(this.keys.stat('class'), 0, DLQ_STATS_TOP_ERROR_CLASSES - 1, 'WITHSCORES')
      .zrange(this.keys.all, 0, 0, 'WITHSCORES')
      .zrange(this.keys.all, -1, -1, 'WITHSCORES')
      .exec();
    const [total, ops, clients, classes, oldest, newest] = (reply ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as [number, string[], string[], string[], string[], string[]];
    return {
      total,
      byOperation: pairs(ops),
      byClientId: pairs(clients),
      byErrorClass: pairs(classes),
      oldestAgeSeconds:
        oldest.length === 2 ? Math.max(0, Math.floor((nowMs - Number(oldest[1])) / 1000)) : null,
      newestAt: newest.length === 2 ? new Date(Number(newest[1])).toISOString() : null,
    };
  }

  /** Takes the lease and writes status `replaying`, atomically (compare-and-set on the JSON). */
  async beginReplay(id: string, token: string, leaseMs: number): Promise<FailedOperation> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.redis.get(this.keys.entry(id));
      if (current === null) throw new DlqEntryNotFoundError(id);
      const replaying: FailedOperation = {
        ...(JSON.parse(current) as FailedOperation),
        status: 'replaying',
      };
      const json = JSON.stringify(replaying);
      const reply = await this.run(scripts.BEGIN_REPLAY_SCRIPT, [
        id,
        token,
        leaseMs,
        current,
        json,
      ]);
      if (reply === 'ok') return replaying;
      if (reply === 'missing') throw new DlqEntryNotFoundError(id);
      if (reply === 'conflict') throw new ReplayConflictError(id);
    }
    throw new ReplayConflictError(id);
  }

  async finishReplaySuccess(id: string, token: string): Promise<void> {
    await this.run(scripts.FINISH_SUCCESS_SCRIPT, [id, token]);
  }

  async finishReplayFailure(id: string, token: string, entry: FailedOperation): Promise<string> {
    const args = [id, token, JSON.stringify(entry), entry.errorClass];
    return (await this.run(scripts.FINISH_FAILURE_SCRIPT, args)) as string;
  }

  private run(script: LuaScript, args: ReadonlyArray<string | number>): Promise<unknown> {
    return script.run(this.redis, [this.keys.all], [this.keys.base, ...args]);
  }
}

function pairs(flat: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = Number(flat[i + 1]);
  return out;
}

import type { DlqRedisReplicas } from '../../options/dlq-options.interface.js';
import { DlqEntryNotFoundError } from '../../errors/dlq-entry-not-found.error.js';
import { DlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { ReplayConflictError } from '../../errors/replay-conflict.error.js';
import { DLQ_SWEEP_BATCH, DLQ_TOMBSTONE_MS } from '../core/dlq.constants.js';
import type { DlqCorruptEntries } from '../core/dlq-corrupt-entries.js';
import type { DlqInsertResult, DlqReplayStart } from '../core/dlq-storage.interface.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import type { DlqRedisClient } from './redis-client.js';
import { NotReplicatedError } from './not-replicated.error.js';
import { DLQ_SCRIPTS } from './redis-dlq.scripts.js';
import { metaOf } from '../core/dlq-entry-meta.js';
import { type InsertOptions, RedisDlqInserts } from './redis-dlq.inserts.js';
import { decodeMeta, encodeMeta, type RedisDlqKeys } from './redis-dlq.keys.js';

/** Times a compare-and-set is tried again after the entry changed under it. */
const CAS_TRIES = 8;

export type RemoveMode = 'expired' | 'before' | 'evict' | 'dangling';

/**
 * The Redis store's data access: one script per mutation (every key it touches declared, all in
 * one slot), plain reads for the rest. Scripts that remove an entry need its index keys, so the
 * entry's meta is read first and the script checks it is unchanged (else it is read again).
 */
export class RedisDlqRepository {
  private readonly inserts: RedisDlqInserts;

  constructor(
    readonly redis: DlqRedisClient,
    readonly keys: RedisDlqKeys,
    private readonly corrupt?: DlqCorruptEntries,
    private readonly replicas?: DlqRedisReplicas,
  ) {
    this.inserts = new RedisDlqInserts(redis, keys, replicas);
  }

  /** Stores the entry (grouped with the stores that arrive together; see `RedisDlqInserts`). */
  insert(entry: FailedOperation, options: InsertOptions): Promise<DlqInsertResult> {
    return this.inserts.insert(entry, options);
  }

  /** Resolves once every insert made so far has its answer. */
  insertsSettled(): Promise<void> {
    return this.inserts.settled();
  }

  /** Removes an entry and leaves a tombstone (an operator's delete). */
  async remove(id: string): Promise<boolean> {
    return (await this.removeAs(id, '')) === 1;
  }

  /** Removes an entry whose replay succeeded, if `token` holds its lease: ok, lost or missing. */
  async completeReplay(id: string, token: string): Promise<'ok' | 'lost' | 'missing'> {
    const reply = await this.removeAs(id, token);
    return reply === -2 ? 'lost' : reply === 1 ? 'ok' : 'missing';
  }

  /** remove.lua's reply: 1 removed, 0 nothing to remove, -2 the lease is not `token`'s. */
  private async removeAs(id: string, token: string): Promise<number> {
    const k = this.keys;
    for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
      const raw = await this.redis.hget(k.meta, id);
      const meta = raw === null ? null : decodeMeta(raw);
      const keys = [
        ...k.core,
        k.tombstone(id),
        k.lease(id),
        k.entry(id),
        ...(meta ? k.indexes(meta) : []),
      ];
      const args = [id, raw ?? '', DLQ_TOMBSTONE_MS, token];
      const reply = Number(await DLQ_SCRIPTS.remove.run(this.redis, keys, [k.base, ...args]));
      if (reply !== -1) return reply;
    }
    throw new ReplayConflictError(id, { reason: `dead-letter entry ${id} kept changing` });
  }

  /**
   * Removes those of `ids` that still qualify under `mode`, atomically; `index` is the index the
   * ids were read from (healing drops them there too). Returns the ids removed.
   */
  async removeMany(
    mode: RemoveMode,
    bound: number,
    ids: readonly string[],
    index = this.keys.all,
  ): Promise<string[]> {
    let pending = [...ids];
    const removed: string[] = [];
    for (let attempt = 0; pending.length > 0 && attempt < CAS_TRIES; attempt++) {
      const raws = await this.redis.hmget(this.keys.meta, ...pending);
      const entryKeys = new Set<string>();
      const args: Array<string | number> = [this.keys.base, mode, bound];
      pending.forEach((id, i) => {
        const raw = raws[i];
        const meta = raw === null ? null : decodeMeta(raw);
        entryKeys.add(this.keys.entry(id));
        entryKeys.add(this.keys.lease(id));
        for (const key of meta ? this.keys.indexes(meta) : []) entryKeys.add(key);
        args.push(id, raw ?? '');
      });
      const keys = [...this.keys.core, index, ...entryKeys];
      const [done, stale] = (await DLQ_SCRIPTS.removeMany.run(this.redis, keys, args)) as [
        string[],
        number,
      ];
      removed.push(...done);
      if (stale === 0) break;
      const finished = new Set(done);
      pending = pending.filter((id) => !finished.has(id));
    }
    return removed;
  }

  /** Removes every expired entry, one atomic batch of 500 per script call; returns the count. */
  async sweepExpired(nowMs: number, onBatch: (ids: string[]) => void): Promise<number> {
    let removed = 0;
    for (;;) {
      const ids = await this.redis.zrangebyscore(
        this.keys.expiry,
        '-inf',
        nowMs,
        'LIMIT',
        0,
        DLQ_SWEEP_BATCH,
      );
      if (ids.length === 0) return removed;
      const done = await this.removeMany('expired', nowMs, ids);
      onBatch(done);
      removed += done.length;
      // A batch of nothing but entries under replay: they are left for a later sweep.
      if (ids.length < DLQ_SWEEP_BATCH || done.length === 0) return removed;
    }
  }

  /**
   * Removes every entry created before `beforeMs`, in atomic batches; returns the count. Creation
   * times are whole ms: before a fractional bound is before its ceiling, as the memory store has it.
   */
  async cleanup(
    beforeMs: number,
    onBatch: (ids: string[]) => void = () => undefined,
  ): Promise<number> {
    let removed = 0;
    for (;;) {
      const ids = await this.redis.zrangebyscore(
        this.keys.all,
        '-inf',
        `(${Math.ceil(beforeMs)}`,
        'LIMIT',
        0,
        DLQ_SWEEP_BATCH,
      );
      if (ids.length === 0) return removed;
      const done = await this.removeMany('before', Math.ceil(beforeMs), ids);
      onBatch(done);
      removed += done.length;
      if (ids.length < DLQ_SWEEP_BATCH || done.length === 0) return removed;
    }
  }

  /** Removes the oldest entries beyond `maxEntries` (a batch at most); returns their ids. */
  async evictBeyond(maxEntries: number): Promise<string[]> {
    const excess = (await this.redis.zcard(this.keys.all)) - maxEntries;
    if (excess <= 0) return [];
    const ids = await this.redis.zrange(this.keys.all, 0, Math.min(excess, DLQ_SWEEP_BATCH) - 1);
    return this.removeMany('evict', 0, ids);
  }

  /** Drops ids whose entry is gone from every index (and from `index`, the one read). */
  async heal(index: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.removeMany('dangling', 0, ids, index)).length;
  }

  /**
   * The entries of these ids, null where the entry is gone or its value is not JSON (reported to
   * `corrupt`; `heal` keeps such an entry, since its key exists).
   */
  async entries(ids: readonly string[]): Promise<Array<FailedOperation | null>> {
    if (ids.length === 0) return [];
    const keys = ids.map((id) => this.keys.entry(id));
    const values = await this.redis.mget(...keys);
    return values.map((json, i) => (json === null ? null : this.parse(json, keys[i])));
  }

  /** Which of these ids have a live replay lease. */
  async liveLeases(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const values = await this.redis.mget(...ids.map((id) => this.keys.lease(id)));
    return new Set(ids.filter((_, i) => values[i] !== null));
  }

  /**
   * Takes the lease and writes status `replaying`, atomically (compare-and-set on the JSON). An
   * entry read `replaying` (with no live lease, or the script says conflict) was left by a replay
   * that may have run: it is marked `deliveryUnknown`, leaves the due-time index and is reported
   * `abandoned` (the compare-and-set makes that exact: the script saw that JSON and no lease).
   */
  async beginReplay(id: string, token: string, leaseMs: number): Promise<DlqReplayStart> {
    for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
      const current = await this.redis.get(this.keys.entry(id));
      if (current === null) throw new DlqEntryNotFoundError(id);
      const stored = JSON.parse(current) as FailedOperation;
      const replaying: FailedOperation = { ...stored, status: 'replaying' };
      const abandoned = stored.status === 'replaying';
      if (abandoned) {
        replaying.deliveryUnknown = true;
        // The abandoned replay may have run: it counts, so a bulk job that recorded the count skips it.
        replaying.replayCount = stored.replayCount + 1;
        delete replaying.nextRedriveAt;
      }
      const keys = [this.keys.entry(id), this.keys.lease(id), this.keys.due];
      const args = [token, leaseMs, current, JSON.stringify(replaying), abandoned ? id : ''];
      const taking = DLQ_SCRIPTS.beginReplay.run(this.redis, keys, args, this.replicas);
      const reply = await taking.catch(async (error: unknown) => {
        if (!(error instanceof NotReplicatedError)) throw error;
        if (error.reply !== 'ok') return error.reply;
        // A failover could lose this lease, and another instance replay the entry meanwhile:
        // nothing is run, and the entry is given back as it was (else the lease expires and the
        // entry reads abandoned: deliveryUnknown, which is safe too).
        const untouched = abandoned ? { ...replaying, status: 'dead' as const } : stored;
        await this.finishReplayFailure(id, token, untouched).catch(() => undefined);
        throw new DlqUnavailableError(`replay of entry ${id} not started: ${error.message}`, {
          cause: error,
        });
      });
      if (reply === 'ok') return { entry: replaying, abandoned };
      if (reply === 'missing') throw new DlqEntryNotFoundError(id);
      if (reply === 'conflict') throw new ReplayConflictError(id);
    }
    throw new ReplayConflictError(id);
  }

  /** Extends the lease while `token` holds it; false when it does not. */
  async renewReplay(id: string, token: string, leaseMs: number): Promise<boolean> {
    return (await DLQ_SCRIPTS.renew.run(this.redis, [this.keys.lease(id)], [token, leaseMs])) === 1;
  }

  /**
   * Writes the entry back after a failed replay and releases the lease, if `token` holds it;
   * `dueAt`: next redrive time (ms), 0 to clear it, -1 to leave it. Returns ok, lost (not this
   * token's lease) or missing.
   */
  async finishReplayFailure(
    id: string,
    token: string,
    entry: FailedOperation,
    dueAt = -1,
  ): Promise<string> {
    const k = this.keys;
    for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
      const raw = await this.redis.hget(k.meta, id);
      const old = raw === null ? null : decodeMeta(raw);
      const next = old ? { ...old, errorClass: entry.errorClass } : metaOf(entry);
      const keys = [
        k.lease(id),
        k.entry(id),
        k.meta,
        k.counts,
        k.byErrorClass(old?.errorClass ?? entry.errorClass),
        k.byErrorClass(entry.errorClass),
        k.all,
        k.due,
      ];
      const args = [
        token,
        id,
        JSON.stringify(entry),
        raw ?? '',
        encodeMeta(next),
        old?.errorClass ?? entry.errorClass,
        entry.errorClass,
        dueAt,
      ];
      const reply = String(await DLQ_SCRIPTS.finishFailure.run(this.redis, keys, args));
      if (reply !== 'changed') return reply;
    }
    return 'changed';
  }

  /** Replaces the entry's JSON if it is still `expected`: ok, missing or changed. */
  async replace(id: string, expected: string, next: FailedOperation): Promise<string> {
    const args = [expected, JSON.stringify(next)];
    return String(await DLQ_SCRIPTS.replace.run(this.redis, [this.keys.entry(id)], args));
  }

  /**
   * The entry's stored JSON, as `replace` compares it, and the entry it holds: null when the JSON
   * is not an entry's (reported to `corrupt`).
   */
  async stored(id: string): Promise<{ json: string; entry: FailedOperation | null } | null> {
    const key = this.keys.entry(id);
    const json = await this.redis.get(key);
    return json === null ? null : { json, entry: this.parse(json, key) };
  }

  private parse(json: string, key: string): FailedOperation | null {
    try {
      return JSON.parse(json) as FailedOperation;
    } catch {
      this.corrupt?.report(key);
      return null;
    }
  }
}

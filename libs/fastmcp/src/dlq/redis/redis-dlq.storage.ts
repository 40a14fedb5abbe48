import { setTimeout as sleep } from 'node:timers/promises';
import type { ModuleRef } from '@nestjs/core';
import type { DlqRedisOptions } from '../../options/dlq-options.interface.js';
import type { DlqStats } from '../core/dead-letter-queue.interface.js';
import type { DlqCorruptEntries } from '../core/dlq-corrupt-entries.js';
import type { DlqCursor } from '../core/dlq-cursor.js';
import type {
  DlqFinishResult,
  DlqIndex,
  DlqInsertOptions,
  DlqInsertResult,
  DlqJobRecord,
  DlqReplayStart,
  DlqStorage,
} from '../core/dlq-storage.interface.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import { DLQ_WRITE_TIMEOUT_MS } from '../core/dlq.constants.js';
import { withTimeout } from '../core/dlq-runtime.js';
import { type DlqRedisConnection, DlqRedisHandle, waitUntilReady } from './redis-dlq.connection.js';
import { countByTime, pageIds, readStats } from './redis-dlq.index-reads.js';
import { RedisDlqKeys } from './redis-dlq.keys.js';
import { RedisDlqRepository } from './redis-dlq.repository.js';
import { DLQ_SCRIPTS } from './redis-dlq.scripts.js';
import { assertRedisDatabase } from './redis-database.js';
import { evictionRisk } from './redis-eviction.js';
import { assertRedisVersion } from './redis-version.js';

const CAS_TRIES = 8;
const JOB_LIFE_MS = 7 * 24 * 3600 * 1000;

/** The DLQ in Redis (one node or a cluster): every mutation one script, every key in one slot. */
export class RedisDlqStorage implements DlqStorage {
  private readonly keys: RedisDlqKeys;
  private readonly handle: DlqRedisHandle;
  private current: RedisDlqRepository | undefined;
  private stopRechecks: () => void = () => undefined;

  constructor(
    private readonly options: DlqRedisOptions | undefined,
    keyPrefix: string,
    moduleRef: ModuleRef,
    private readonly corrupt: DlqCorruptEntries,
    private readonly logger: { warn(message: string): void; error(message: string): void },
  ) {
    this.keys = new RedisDlqKeys(keyPrefix);
    this.handle = new DlqRedisHandle(options, moduleRef, (error) =>
      logger.warn(`DLQ Redis connection error: ${error.message}`),
    );
  }

  async open(): Promise<void> {
    const connection = await this.handle.connect();
    if (connection.owned) await waitUntilReady(connection.redis, 2000);
    const checks = async (): Promise<void> => {
      await assertRedisVersion(connection);
      await assertRedisDatabase(connection);
      const risk = await evictionRisk(connection);
      if (risk) this.logger.warn(`DLQ store: ${risk}`);
    };
    await checks().catch(async (error: unknown) => {
      await this.handle.close();
      throw error;
    });
    // A Redis down at start, or a new one after a failover, is checked as it answers.
    const recheck = (): void => void this.recheckDatabase(connection);
    connection.redis.on('ready', recheck);
    this.stopRechecks = () => connection.redis.off('ready', recheck);
  }

  /**
   * A database the server lacks, found after start: the module's own connection is closed, so
   * dead letters stay in the buffer (spilled at shutdown) rather than go to database 0; an app's
   * client is the app's to close.
   */
  private async recheckDatabase(connection: DlqRedisConnection): Promise<void> {
    await assertRedisDatabase(connection).catch((error: unknown) => {
      const what = error instanceof Error ? error.message : String(error);
      if (!connection.owned) {
        this.logger.error(`DLQ store: ${what}; every entry goes to database 0`);
        return;
      }
      this.logger.error(
        `DLQ store: ${what}; its connection is closed: dead letters stay buffered ` +
          '(spilled at shutdown) until the app restarts with a database the server has',
      );
      connection.redis.disconnect();
    });
  }

  /**
   * Closes once the stores already on their way have their answer, so none goes after QUIT. A
   * store still unanswered after the write timeout (Redis paused, an app-given client queueing
   * commands offline) was already given up on and kept by the write buffer: it is not waited for.
   */
  async close(): Promise<void> {
    // An app's client outlives the module: it keeps no listener of the store's.
    this.stopRechecks();
    const settled = this.current?.insertsSettled() ?? Promise.resolve();
    await withTimeout(settled, DLQ_WRITE_TIMEOUT_MS, () => new Error('stores unanswered')).catch(
      () => undefined,
    );
    await this.handle.close();
  }

  async insert(entry: FailedOperation, options: DlqInsertOptions): Promise<DlqInsertResult> {
    const repository = this.current ?? (await this.repository());
    return repository.insert(entry, {
      dueAt: options.dueAt,
      dedupKey: options.fingerprint,
      dedupWindowMs: options.dedupWindowMs,
      ignoreDedup: options.ignoreDedup,
    });
  }

  async remove(id: string): Promise<boolean> {
    return (await this.repository()).remove(id);
  }

  async read(ids: readonly string[]): Promise<Array<FailedOperation | null>> {
    return (await this.repository()).entries(ids);
  }

  async page(
    index: DlqIndex,
    cursor: DlqCursor | undefined,
    count: number,
    oldestMs = -Infinity,
  ): Promise<string[]> {
    const { redis } = await this.repository();
    return pageIds(redis, this.indexKey(index), cursor, count, oldestMs);
  }

  async heal(index: DlqIndex, ids: readonly string[]): Promise<void> {
    await (await this.repository()).heal(this.indexKey(index), ids);
  }

  async stats(nowMs: number): Promise<DlqStats> {
    return readStats((await this.repository()).redis, this.keys, nowMs);
  }

  async countByTime(
    index: DlqIndex,
    fromMs: number,
    bucketMs: number,
    buckets: number,
  ): Promise<number[]> {
    const { redis } = await this.repository();
    return countByTime(redis, this.indexKey(index), fromMs, bucketMs, buckets);
  }

  async sweep(
    mode: 'expired' | 'before',
    boundMs: number,
    _nowMs: number,
    onBatch: (ids: string[]) => void,
  ): Promise<number> {
    // Leases are Redis keys with a TTL: the scripts see which are live.
    const repository = await this.repository();
    if (mode === 'expired') return repository.sweepExpired(boundMs, onBatch);
    return repository.cleanup(boundMs, onBatch);
  }

  async evictBeyond(maxEntries: number): Promise<string[]> {
    return (await this.repository()).evictBeyond(maxEntries);
  }

  async update(
    id: string,
    change: (entry: FailedOperation) => FailedOperation | null,
  ): Promise<FailedOperation | null> {
    const repository = await this.repository();
    for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
      const stored = await repository.stored(id);
      // A value that is not JSON is no entry to change: the caller is told it is gone.
      if (stored?.entry == null) return null;
      const next = change(stored.entry);
      if (!next) return stored.entry;
      const reply = await repository.replace(id, stored.json, next);
      if (reply === 'ok') return next;
      if (reply === 'missing') return null;
      // Lost to another instance's change: a random wait (up to 1, 2, 4 ... ms) so the two do not
      // read and collide again in step.
      await sleep(Math.random() * 2 ** attempt);
    }
    return null;
  }

  async liveLeases(ids: readonly string[]): Promise<Set<string>> {
    return (await this.repository()).liveLeases(ids);
  }

  async beginReplay(id: string, token: string, leaseMs: number): Promise<DlqReplayStart> {
    return (await this.repository()).beginReplay(id, token, leaseMs);
  }

  async renewReplay(id: string, token: string, leaseMs: number): Promise<boolean> {
    return (await this.repository()).renewReplay(id, token, leaseMs);
  }

  async completeReplay(id: string, token: string): Promise<DlqFinishResult> {
    return (await this.repository()).completeReplay(id, token);
  }

  async finishReplayFailure(
    id: string,
    token: string,
    entry: FailedOperation,
    dueAt: number,
  ): Promise<DlqFinishResult> {
    const reply = await (await this.repository()).finishReplayFailure(id, token, entry, dueAt);
    return reply as DlqFinishResult;
  }

  async due(nowMs: number, limit: number): Promise<string[]> {
    const { redis } = await this.handle.connect();
    return redis.zrangebyscore(this.keys.due, '-inf', nowMs, 'LIMIT', 0, limit);
  }

  async setDue(id: string, dueAt: number): Promise<void> {
    const { redis } = await this.handle.connect();
    if (dueAt > 0) await redis.zadd(this.keys.due, 'XX', dueAt, id);
    else await redis.zrem(this.keys.due, id);
  }

  async dueCount(): Promise<number> {
    const { redis } = await this.handle.connect();
    return redis.zcard(this.keys.due);
  }

  async lease(name: string, token: string, ms: number): Promise<boolean> {
    const { redis } = await this.handle.connect();
    const key = `${this.keys.base}:lease:${name}`;
    return (await DLQ_SCRIPTS.lease.run(redis, [key], [token, ms])) === 1;
  }

  async renewLease(name: string, token: string, ms: number): Promise<boolean> {
    const { redis } = await this.handle.connect();
    const key = `${this.keys.base}:lease:${name}`;
    return (await DLQ_SCRIPTS.renew.run(redis, [key], [token, ms])) === 1;
  }

  async releaseLease(name: string, token: string): Promise<void> {
    const { redis } = await this.handle.connect();
    await DLQ_SCRIPTS.release.run(redis, [`${this.keys.base}:lease:${name}`], [token]);
  }

  async saveJob(job: DlqJobRecord, ids?: readonly string[]): Promise<void> {
    const { redis } = await this.handle.connect();
    const snapshot = this.keys.jobIds(job.id);
    if (ids) {
      await redis.del(snapshot);
      // Each part with the job's life: a start that dies before the record leaves no list for good.
      for (let i = 0; i < ids.length; i += 1000) {
        await redis.rpush(snapshot, ...ids.slice(i, i + 1000));
        await redis.pexpire(snapshot, JOB_LIFE_MS);
      }
    }
    const keys = [this.keys.job(job.id), snapshot, this.keys.jobs];
    const args = [job.id, job.state, Date.now(), JOB_LIFE_MS, ids ? 1 : 0];
    await DLQ_SCRIPTS.saveJob.run(redis, keys, args);
  }

  async cancelJob(id: string, updatedAt: string): Promise<DlqJobRecord | null> {
    const { redis } = await this.handle.connect();
    const keys = [this.keys.job(id), this.keys.jobIds(id)];
    const state = await DLQ_SCRIPTS.cancelJob.run(redis, keys, [updatedAt]);
    return typeof state === 'string' ? { id, state } : null;
  }

  async job(id: string): Promise<DlqJobRecord | null> {
    const { redis } = await this.handle.connect();
    const state = await redis.get(this.keys.job(id));
    return state === null ? null : { id, state };
  }

  async jobIds(limit: number): Promise<string[]> {
    const { redis } = await this.handle.connect();
    return redis.zrevrange(this.keys.jobs, 0, limit - 1);
  }

  async jobSnapshot(id: string, from: number, count: number): Promise<string[]> {
    const { redis } = await this.handle.connect();
    return redis.lrange(this.keys.jobIds(id), from, from + count - 1);
  }

  private indexKey(index: DlqIndex): string {
    switch (index.by) {
      case 'all':
        return this.keys.all;
      case 'operation':
        return this.keys.byOperation(index.value);
      case 'clientId':
        return this.keys.byClient(index.value);
      case 'errorClass':
        return this.keys.byErrorClass(index.value);
      case 'priority':
        return this.keys.byPriority(index.value);
    }
  }

  /** One per connection, so stores that arrive together share its group commit. */
  private async repository(): Promise<RedisDlqRepository> {
    const { redis } = await this.handle.connect();
    if (this.current?.redis !== redis) {
      this.current = new RedisDlqRepository(redis, this.keys, this.corrupt, this.options?.replicas);
    }
    return this.current;
  }
}

import { DlqEntryNotFoundError } from '../../errors/dlq-entry-not-found.error.js';
import { DlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { ReplayConflictError } from '../../errors/replay-conflict.error.js';
import type { DlqStats } from '../core/dead-letter-queue.interface.js';
import { DLQ_SWEEP_BATCH, DLQ_TOMBSTONE_MS } from '../core/dlq.constants.js';
import type { DlqCursor } from '../core/dlq-cursor.js';
import { dlqIdTime } from '../core/dlq-id.js';
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
import { InMemoryDlqState } from './in-memory-dlq.state.js';
import { DueIndex } from './due-index.js';

/** Tombstones and fingerprints kept before a prune is worth its pass over them. */
const PRUNE_FROM = 10_000;
const PRUNE_INTERVAL_MS = 1000;
/**
 * Entries a sweep removes per batch. Each batch is a pass over the store's time and expiry order,
 * and a sweep runs its batches without a pause, so batches of Redis's 500 made a cleanup of
 * 200,000 entries 400 passes (7.4 s); 10,000 make it 20.
 */
const SWEEP_BATCH = 10_000;

interface Held {
  token: string;
  until: number;
}

/**
 * The DLQ in process memory, for development and apps without Redis. The same semantics as the
 * Redis storage; time comes from the caller, so fake clocks drive leases and tombstones.
 */
export class MemoryDlqStorage implements DlqStorage {
  private readonly state = new InMemoryDlqState();
  private readonly leases = new Map<string, Held>();
  private readonly tombstones = new Map<string, number>();
  private readonly fingerprints = new Map<string, { id: string; until: number }>();
  /** Ids by the time their redrive is due: a round reads the first ones, never sorts them all. */
  private readonly dueAt = new DueIndex();
  private readonly jobs = new Map<string, { state: string; ids: string[]; at: number }>();
  private closed = false;
  private lastPruneAt = 0;
  private keptAtLastPrune = 0;

  open(): Promise<void> {
    return Promise.resolve();
  }

  /** Refuses inserts from now on (they go to the log, as Redis's do); reads still work. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  insert(entry: FailedOperation, options: DlqInsertOptions): Promise<DlqInsertResult> {
    if (this.closed) return Promise.reject(new DlqUnavailableError('the memory store is closed'));
    const now = options.nowMs;
    const known = this.fingerprints.get(options.fingerprint);
    if (options.dedupWindowMs > 0 && !options.ignoreDedup && known && known.until > now) {
      if (known.id !== entry.id) return Promise.resolve({ kind: 'duplicate', id: known.id });
    }
    this.prune(now);
    const buried = (this.tombstones.get(entry.id) ?? 0) > Date.now();
    const stored = !buried && this.state.put(entry);
    if (stored) {
      if (options.dueAt > 0) this.dueAt.set(entry.id, options.dueAt);
      if (options.dedupWindowMs > 0) {
        const until = now + options.dedupWindowMs;
        this.fingerprints.set(options.fingerprint, { id: entry.id, until });
      }
    }
    return Promise.resolve({ kind: stored ? 'stored' : 'known', total: this.state.size });
  }

  remove(id: string): Promise<boolean> {
    const removed = this.drop(id);
    this.prune(Date.now());
    // As in Redis, an id not stored yet is buried too (a buffered write may land late).
    this.tombstones.set(id, Date.now() + DLQ_TOMBSTONE_MS);
    return Promise.resolve(removed);
  }

  read(ids: readonly string[]): Promise<Array<FailedOperation | null>> {
    return Promise.resolve(ids.map((id) => this.state.get(id) ?? null));
  }

  page(
    index: DlqIndex,
    cursor: DlqCursor | undefined,
    count: number,
    oldestMs = -Infinity,
  ): Promise<string[]> {
    return Promise.resolve(this.state.page(index, cursor, count, oldestMs));
  }

  heal(): Promise<void> {
    return Promise.resolve();
  }

  stats(nowMs: number): Promise<DlqStats> {
    return Promise.resolve({ ...this.state.stats(nowMs), dueForRedrive: this.dueAt.size });
  }

  countByTime(
    index: DlqIndex,
    fromMs: number,
    bucketMs: number,
    buckets: number,
  ): Promise<number[]> {
    return Promise.resolve(this.state.countByTime(index, fromMs, bucketMs, buckets));
  }

  sweep(
    mode: 'expired' | 'before',
    boundMs: number,
    nowMs: number,
    onBatch: (ids: string[]) => void,
  ): Promise<number> {
    this.prune(nowMs);
    const keep = (id: string) => this.held(id, nowMs);
    const before = (id: string) => dlqIdTime(id) < boundMs;
    let removed = 0;
    for (;;) {
      const ids =
        mode === 'expired'
          ? this.state.removeExpired(SWEEP_BATCH, boundMs, keep)
          : this.state.removeOldest(SWEEP_BATCH, before, keep);
      this.dueAt.deleteAll(ids);
      if (ids.length > 0) onBatch(ids);
      removed += ids.length;
      if (ids.length < SWEEP_BATCH) return Promise.resolve(removed);
    }
  }

  evictBeyond(maxEntries: number, nowMs: number): Promise<string[]> {
    const excess = this.state.size - maxEntries;
    if (excess <= 0) return Promise.resolve([]);
    // The oldest `count`, less those under replay (as in Redis: the cap waits for their end).
    const count = Math.min(excess, DLQ_SWEEP_BATCH);
    let seen = 0;
    const ids = this.state.removeOldest(
      count,
      () => seen++ < count,
      (id) => this.held(id, nowMs),
    );
    this.dueAt.deleteAll(ids);
    return Promise.resolve(ids);
  }

  update(
    id: string,
    change: (entry: FailedOperation) => FailedOperation | null,
  ): Promise<FailedOperation | null> {
    const entry = this.state.get(id);
    if (!entry) return Promise.resolve(null);
    const next = change(entry);
    if (next) this.state.put(next, true);
    return Promise.resolve(next ?? entry);
  }

  liveLeases(ids: readonly string[], nowMs: number): Promise<Set<string>> {
    return Promise.resolve(new Set(ids.filter((id) => this.held(id, nowMs))));
  }

  beginReplay(id: string, token: string, leaseMs: number, nowMs: number): Promise<DlqReplayStart> {
    const entry = this.state.get(id);
    if (!entry) return Promise.reject(new DlqEntryNotFoundError(id));
    if (this.held(id, nowMs)) return Promise.reject(new ReplayConflictError(id));
    const replaying: FailedOperation = { ...entry, status: 'replaying' };
    const abandoned = entry.status === 'replaying';
    if (abandoned) {
      replaying.deliveryUnknown = true;
      // The abandoned replay may have run: it counts, so a bulk job that recorded the count skips it.
      replaying.replayCount = entry.replayCount + 1;
      delete replaying.nextRedriveAt;
      this.dueAt.delete(id);
    }
    this.leases.set(id, { token, until: nowMs + leaseMs });
    this.state.put(replaying, true);
    return Promise.resolve({ entry: replaying, abandoned });
  }

  renewReplay(id: string, token: string, leaseMs: number, nowMs: number): Promise<boolean> {
    if (!this.holds(id, token, nowMs)) return Promise.resolve(false);
    this.leases.set(id, { token, until: nowMs + leaseMs });
    return Promise.resolve(true);
  }

  completeReplay(id: string, token: string, nowMs: number): Promise<DlqFinishResult> {
    if (!this.holds(id, token, nowMs)) return Promise.resolve('lost');
    this.leases.delete(id);
    this.tombstones.set(id, Date.now() + DLQ_TOMBSTONE_MS);
    return Promise.resolve(this.drop(id) ? 'ok' : 'missing');
  }

  finishReplayFailure(
    id: string,
    token: string,
    entry: FailedOperation,
    dueAt: number,
    nowMs: number,
  ): Promise<DlqFinishResult> {
    if (!this.holds(id, token, nowMs)) return Promise.resolve('lost');
    this.leases.delete(id);
    if (!this.state.put(entry, true)) return Promise.resolve('missing');
    if (dueAt > 0) this.dueAt.set(id, dueAt);
    else if (dueAt === 0) this.dueAt.delete(id);
    return Promise.resolve('ok');
  }

  due(nowMs: number, limit: number): Promise<string[]> {
    return Promise.resolve(this.dueAt.upTo(nowMs, limit));
  }

  setDue(id: string, dueAt: number): Promise<void> {
    if (dueAt <= 0) this.dueAt.delete(id);
    else if (this.dueAt.has(id)) this.dueAt.set(id, dueAt);
    return Promise.resolve();
  }

  dueCount(): Promise<number> {
    return Promise.resolve(this.dueAt.size);
  }

  lease(name: string, token: string, ms: number, nowMs: number): Promise<boolean> {
    const key = `lease:${name}`;
    const held = this.leases.get(key);
    if (held && held.token !== token && held.until > nowMs) return Promise.resolve(false);
    this.leases.set(key, { token, until: nowMs + ms });
    return Promise.resolve(true);
  }

  renewLease(name: string, token: string, ms: number, nowMs: number): Promise<boolean> {
    const held = this.leases.get(`lease:${name}`);
    if (held?.token !== token || held.until <= nowMs) return Promise.resolve(false);
    held.until = nowMs + ms;
    return Promise.resolve(true);
  }

  releaseLease(name: string, token: string): Promise<void> {
    const key = `lease:${name}`;
    if (this.leases.get(key)?.token === token) this.leases.delete(key);
    return Promise.resolve();
  }

  /** As the Redis store: the latest 1000 jobs are kept, and a job no longer running drops its ids. */
  saveJob(job: DlqJobRecord, ids?: readonly string[]): Promise<void> {
    const known = this.jobs.get(job.id);
    if (known && isStale(known.state, job.state)) return Promise.resolve();
    const state = known ? keepCancelled(known.state, job.state) : job.state;
    const snapshot = !isRunning(state) ? [] : ids ? [...ids] : (known?.ids ?? []);
    this.jobs.set(job.id, { state, ids: snapshot, at: known?.at ?? Date.now() });
    // A Map iterates in insertion order: the first jobs are the oldest.
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= JOBS_KEPT) break;
      this.jobs.delete(id);
    }
    return Promise.resolve();
  }

  cancelJob(id: string, updatedAt: string): Promise<DlqJobRecord | null> {
    const known = this.jobs.get(id);
    if (!known) return Promise.resolve(null);
    known.state = cancelledIfRunning(known.state, updatedAt);
    if (!isRunning(known.state)) known.ids = [];
    return Promise.resolve({ id, state: known.state });
  }

  job(id: string): Promise<DlqJobRecord | null> {
    const job = this.jobs.get(id);
    return Promise.resolve(job ? { id, state: job.state } : null);
  }

  jobIds(limit: number): Promise<string[]> {
    const ids = [...this.jobs].sort((a, b) => b[1].at - a[1].at).map(([id]) => id);
    return Promise.resolve(ids.slice(0, limit));
  }

  jobSnapshot(id: string, from: number, count: number): Promise<string[]> {
    return Promise.resolve(this.jobs.get(id)?.ids.slice(from, from + count) ?? []);
  }

  /**
   * Forgets tombstones and fingerprints past their time, once there are many: at an insert,
   * delete or retention sweep, so neither a stream of deletes nor a quiet queue keeps them. A pass
   * reads them all, so it runs once a second at most, or sooner when they have doubled since the
   * last: tens of thousands of live fingerprints (dedup windows are long) made every store a scan.
   */
  private prune(nowMs: number): void {
    const size = this.tombstones.size + this.fingerprints.size;
    if (size < PRUNE_FROM) return;
    const wallMs = Date.now();
    if (size < 2 * this.keptAtLastPrune && wallMs - this.lastPruneAt < PRUNE_INTERVAL_MS) return;
    for (const [id, until] of this.tombstones) if (until <= wallMs) this.tombstones.delete(id);
    for (const [key, seen] of this.fingerprints)
      if (seen.until <= nowMs) this.fingerprints.delete(key);
    this.lastPruneAt = wallMs;
    this.keptAtLastPrune = this.tombstones.size + this.fingerprints.size;
  }

  private holds(id: string, token: string, nowMs: number): boolean {
    return this.held(id, nowMs) && this.leases.get(id)?.token === token;
  }

  private held(id: string, nowMs: number): boolean {
    const lease = this.leases.get(id);
    if (lease && lease.until <= nowMs) this.leases.delete(id);
    return lease !== undefined && lease.until > nowMs;
  }

  private drop(id: string): boolean {
    this.dueAt.delete(id);
    return this.state.remove(id);
  }
}

/** Jobs the store keeps, newest (as the Redis store's job list). */
const JOBS_KEPT = 1000;

function isRunning(state: string): boolean {
  return (JSON.parse(state) as { state?: string }).state === 'running';
}

/** A cancelled job stays cancelled: a progress save that raced the cancel keeps only its counts. */
/** As save-job.lua: a save that would reopen a finished job or lower its `done` is refused. */
function isStale(saved: string, next: string): boolean {
  const [was, now] = [saved, next].map(
    (state) => JSON.parse(state) as { state?: string; done?: number },
  );
  if (was.state === 'done' && now.state !== 'done') return true;
  return typeof was.done === 'number' && typeof now.done === 'number' && now.done < was.done;
}

function keepCancelled(saved: string, next: string): string {
  if ((JSON.parse(saved) as { state?: string }).state !== 'cancelled') return next;
  const job = JSON.parse(next) as { state?: string };
  return job.state === 'cancelled' ? next : JSON.stringify({ ...job, state: 'cancelled' });
}

/** Only a running job is cancelled, and only its state and time change: its counts stay. */
function cancelledIfRunning(saved: string, updatedAt: string): string {
  const job = JSON.parse(saved) as { state?: string };
  if (job.state !== 'running') return saved;
  return JSON.stringify({ ...job, state: 'cancelled', updatedAt });
}

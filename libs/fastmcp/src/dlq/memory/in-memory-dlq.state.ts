import type { DlqStats } from '../core/dead-letter-queue.interface.js';
import { DLQ_STATS_TOP_CLIENTS, DLQ_STATS_TOP_ERROR_CLASSES } from '../core/dlq.constants.js';
import type { DlqCursor } from '../core/dlq-cursor.js';
import { type DlqEntryMeta, inIndex, metaOf } from '../core/dlq-entry-meta.js';
import { dlqIdTime } from '../core/dlq-id.js';
import { topCounts } from '../core/dlq-top-counts.js';
import type { DlqIndex } from '../core/dlq-storage.interface.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import { EntryCounts } from './entry-counts.js';
import { ExpiryIndex } from './expiry-index.js';
import { keepOnly } from './keep-only.js';

/** An entry as kept: its JSON, and what reads filter, count and order by. */
interface Kept {
  id: string;
  json: string;
  meta: DlqEntryMeta;
  /** When the entry was created (its id's time), in ms. */
  createdMs: number;
}

/**
 * The in-memory store's data: entries by id, in time order and in expiry order, and counts by
 * field. Entries are kept as JSON strings, so what goes in and out is copied exactly as the Redis
 * store does; their filter fields beside them, so pages, counts and stats parse none.
 */
export class InMemoryDlqState {
  private readonly entries = new Map<string, Kept>();
  private readonly counts = new EntryCounts();
  /** Entries by id ascending; ids sort by the time they failed. */
  private readonly order: Kept[] = [];
  /**
   * Ids by expiry, soonest first, as the Redis store's expiry set: an imported or restored entry
   * keeps its own expiry, so time order is not expiry order.
   */
  private readonly expiries = new ExpiryIndex();

  get size(): number {
    return this.order.length;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): FailedOperation | undefined {
    const kept = this.entries.get(id);
    return kept === undefined ? undefined : (JSON.parse(kept.json) as FailedOperation);
  }

  /** Adds or replaces; adding an id that is present changes nothing (idempotent store). */
  put(entry: FailedOperation, replace = false): boolean {
    const present = this.entries.get(entry.id);
    if (present && !replace) return false;
    if (!present && replace) return false;
    const meta = metaOf(entry);
    const json = JSON.stringify(entry);
    if (present) {
      // Changed in place: `order` holds the same object.
      this.counts.remove(present.meta);
      present.json = json;
      present.meta = meta;
    } else {
      const kept: Kept = { id: entry.id, json, meta, createdMs: dlqIdTime(entry.id) };
      this.entries.set(entry.id, kept);
      this.order.splice(this.position(entry.id), 0, kept);
    }
    this.counts.add(meta);
    this.expiries.set(entry.id, expiryMs(entry));
    return true;
  }

  remove(id: string): boolean {
    this.expiries.delete(id);
    if (!this.forget(id)) return false;
    const at = this.position(id);
    if (this.order[at]?.id === id) this.order.splice(at, 1);
    return true;
  }

  /** Drops the entry and its counts, not its place in `order`. */
  private forget(id: string): boolean {
    const kept = this.entries.get(id);
    if (!kept) return false;
    this.entries.delete(id);
    this.counts.remove(kept.meta);
    return true;
  }

  /** Removes up to `max` entries expired by `boundMs`, soonest first, passing over ids `keep` holds. */
  removeExpired(max: number, boundMs: number, keep: (id: string) => boolean): string[] {
    const chosen: string[] = [];
    for (let at = 0; chosen.length < max; at++) {
      const id = this.expiries.expiredAt(at, boundMs);
      if (id === undefined) break;
      if (!keep(id)) chosen.push(id);
    }
    this.removeAll(chosen);
    return chosen;
  }

  /** Removes up to `max` ids, oldest first, while `test` holds, passing over ids `keep` holds. */
  removeOldest(
    max: number,
    test: (id: string) => boolean,
    keep: (id: string) => boolean,
  ): string[] {
    const chosen: string[] = [];
    for (const { id } of this.order) {
      if (chosen.length === max || !test(id)) break;
      if (!keep(id)) chosen.push(id);
    }
    this.removeAll(chosen);
    return chosen;
  }

  /** One pass over each index however many go: a sweep of 100,000 shifts no array per entry. */
  private removeAll(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const gone = new Set(ids);
    for (const id of ids) this.forget(id);
    keepOnly(this.order, (kept) => !gone.has(kept.id));
    this.expiries.deleteAll(gone);
  }

  /**
   * Up to `count` ids of `index`, newest first, strictly after the cursor (older than it), none
   * created before `oldestMs`: one loop over `order`, reading only the meta.
   */
  page(index: DlqIndex, cursor: DlqCursor | undefined, count: number, oldestMs: number): string[] {
    const ids: string[] = [];
    let at = cursor ? this.position(cursor.id) - 1 : this.order.length - 1;
    for (; at >= 0 && ids.length < count; at--) {
      const kept = this.order[at];
      if (kept.createdMs < oldestMs) break;
      if (inIndex(kept.meta, index)) ids.push(kept.id);
    }
    return ids;
  }

  /** How many ids of `index` were created in each of `buckets` spans of `bucketMs` from `fromMs`. */
  countByTime(index: DlqIndex, fromMs: number, bucketMs: number, buckets: number): number[] {
    const counts = new Array<number>(buckets).fill(0);
    for (let at = this.order.length - 1; at >= 0; at--) {
      const kept = this.order[at];
      const bucket = Math.floor((kept.createdMs - fromMs) / bucketMs);
      if (bucket < 0) break;
      if (bucket < buckets && inIndex(kept.meta, index)) counts[bucket] += 1;
    }
    return counts;
  }

  stats(nowMs: number): Omit<DlqStats, 'dueForRedrive'> {
    const { byOperation, byClientId, byErrorClass, byPriority } = this.counts;
    const oldest = this.order[0]?.id;
    const newest = this.order[this.order.length - 1]?.id;
    return {
      total: this.order.length,
      byOperation: Object.fromEntries(byOperation),
      byClientId: topCounts(byClientId, DLQ_STATS_TOP_CLIENTS),
      byErrorClass: topCounts(byErrorClass, DLQ_STATS_TOP_ERROR_CLASSES),
      clientIdCount: byClientId.size,
      errorClassCount: byErrorClass.size,
      byPriority: Object.fromEntries(byPriority),
      oldestAgeSeconds: oldest ? Math.max(0, Math.floor((nowMs - dlqIdTime(oldest)) / 1000)) : null,
      newestAt: newest ? new Date(dlqIdTime(newest)).toISOString() : null,
    };
  }

  /** Index in `order` of the first id >= `id` (binary search). */
  private position(id: string): number {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.order[mid].id < id) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** An entry's expiry in ms; one with no readable expiry never expires, as in Redis' +inf score. */
function expiryMs(entry: FailedOperation): number {
  const at = Date.parse(entry.expiresAt);
  return Number.isFinite(at) ? at : Number.POSITIVE_INFINITY;
}

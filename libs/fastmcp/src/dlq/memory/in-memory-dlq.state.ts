import type { DlqStats } from '../core/dead-letter-queue.interface.js';
import { DLQ_STATS_TOP_CLIENTS, DLQ_STATS_TOP_ERROR_CLASSES } from '../core/dlq.constants.js';
import type { DlqCursor } from '../core/dlq-cursor.js';
import { dlqIdTime } from '../core/dlq-id.js';
import { topCounts } from '../core/dlq-top-counts.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import { ExpiryIndex } from './expiry-index.js';
import { keepOnly } from './keep-only.js';

/**
 * The in-memory store's data: entries by id, ids in time order and ids in expiry order. Entries
 * are kept as JSON strings, so what goes in and out is copied exactly as the Redis store does.
 */
export class InMemoryDlqState {
  private readonly entries = new Map<string, string>();
  /** Ids ascending; ids sort by the time they failed. */
  private readonly ids: string[] = [];
  /**
   * Ids by expiry, soonest first, as the Redis store's expiry set: an imported or restored entry
   * keeps its own expiry, so time order is not expiry order.
   */
  private readonly expiries = new ExpiryIndex();

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): FailedOperation | undefined {
    const json = this.entries.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as FailedOperation);
  }

  /** Adds or replaces; adding an id that is present changes nothing (idempotent store). */
  put(entry: FailedOperation, replace = false): boolean {
    const present = this.entries.has(entry.id);
    if (present && !replace) return false;
    if (!present && replace) return false;
    this.entries.set(entry.id, JSON.stringify(entry));
    if (!present) this.ids.splice(this.position(entry.id), 0, entry.id);
    this.expiries.set(entry.id, expiryMs(entry));
    return true;
  }

  remove(id: string): boolean {
    this.expiries.delete(id);
    if (!this.entries.delete(id)) return false;
    const at = this.position(id);
    if (this.ids[at] === id) this.ids.splice(at, 1);
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
    for (const id of this.ids) {
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
    for (const id of ids) this.entries.delete(id);
    keepOnly(this.ids, (id) => !gone.has(id));
    this.expiries.deleteAll(gone);
  }

  /** Entries newest first, strictly after the cursor (older than it). */
  *newestFirst(cursor: DlqCursor | undefined): Generator<FailedOperation> {
    let at = cursor ? this.position(cursor.id) - 1 : this.ids.length - 1;
    for (; at >= 0; at--) {
      const entry = this.get(this.ids[at]);
      if (entry) yield entry;
    }
  }

  stats(nowMs: number): Omit<DlqStats, 'dueForRedrive'> {
    const byOperation: DlqStats['byOperation'] = {};
    const byClient = new Map<string, number>();
    const byClass = new Map<string, number>();
    const byPriority: DlqStats['byPriority'] = {};
    for (const id of this.ids) {
      const entry = this.get(id);
      if (!entry) continue;
      byOperation[entry.operation] = (byOperation[entry.operation] ?? 0) + 1;
      byClient.set(entry.clientId, (byClient.get(entry.clientId) ?? 0) + 1);
      byClass.set(entry.errorClass, (byClass.get(entry.errorClass) ?? 0) + 1);
      const priority = entry.priority ?? 'normal';
      byPriority[priority] = (byPriority[priority] ?? 0) + 1;
    }
    const oldest = this.ids[0];
    const newest = this.ids[this.ids.length - 1];
    return {
      total: this.ids.length,
      byOperation,
      byClientId: topCounts(byClient, DLQ_STATS_TOP_CLIENTS),
      byErrorClass: topCounts(byClass, DLQ_STATS_TOP_ERROR_CLASSES),
      clientIdCount: byClient.size,
      errorClassCount: byClass.size,
      byPriority,
      oldestAgeSeconds: oldest ? Math.max(0, Math.floor((nowMs - dlqIdTime(oldest)) / 1000)) : null,
      newestAt: newest ? new Date(dlqIdTime(newest)).toISOString() : null,
    };
  }

  /** Index of the first id >= `id` (binary search). */
  private position(id: string): number {
    let low = 0;
    let high = this.ids.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.ids[mid] < id) low = mid + 1;
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

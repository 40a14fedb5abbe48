import { keepOnly } from './keep-only.js';

/** Ids ordered by expiry time (ms), then by id: the memory store's counterpart of a sorted set. */
export class ExpiryIndex {
  private readonly order: Array<{ at: number; id: string }> = [];
  private readonly atOf = new Map<string, number>();

  set(id: string, at: number): void {
    if (this.atOf.get(id) === at) return;
    this.delete(id);
    this.order.splice(this.position(at, id), 0, { at, id });
    this.atOf.set(id, at);
  }

  delete(id: string): void {
    const at = this.atOf.get(id);
    if (at === undefined) return;
    this.order.splice(this.position(at, id), 1);
    this.atOf.delete(id);
  }

  deleteAll(ids: ReadonlySet<string>): void {
    for (const id of ids) this.atOf.delete(id);
    keepOnly(this.order, (item) => !ids.has(item.id));
  }

  /** The id at `index` in expiry order if it has expired by `boundMs`. */
  expiredAt(index: number, boundMs: number): string | undefined {
    const item = this.order[index];
    return item && item.at <= boundMs ? item.id : undefined;
  }

  /** Index of the first item at or after (`at`, `id`) (binary search). */
  private position(at: number, id: string): number {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const item = this.order[mid];
      if (item.at < at || (item.at === at && item.id < id)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

import TinyQueue from 'tinyqueue';

interface Due {
  at: number;
  id: string;
}

/** Stale heap items tolerated before a rebuild, beyond as many as there are live ones. */
const COMPACT_FROM = 1024;

const sooner = (a: Due, b: Due): number => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Ids by the time their redrive is due (then by id, as a Redis sorted set): a min-heap beside a
 * map that is the truth. Setting a new time or deleting leaves the old heap item behind: it is
 * skipped and dropped when it comes up, and the heap is rebuilt once such items outnumber the
 * live ones. So a store, a delete and a sweep's batch cost no pass over the index, and a redrive
 * round reads its first ids without sorting them all.
 */
export class DueIndex {
  private readonly atOf = new Map<string, number>();
  private heap = new TinyQueue<Due>([], sooner);

  get size(): number {
    return this.atOf.size;
  }

  has(id: string): boolean {
    return this.atOf.has(id);
  }

  set(id: string, at: number): void {
    if (this.atOf.get(id) === at) return;
    this.atOf.set(id, at);
    this.heap.push({ at, id });
    this.compactIfStale();
  }

  delete(id: string): void {
    if (this.atOf.delete(id)) this.compactIfStale();
  }

  deleteAll(ids: Iterable<string>): void {
    for (const id of ids) this.atOf.delete(id);
    this.compactIfStale();
  }

  /** Up to `limit` ids due by `boundMs`, soonest first; they stay in the index. */
  upTo(boundMs: number, limit: number): string[] {
    const taken: Due[] = [];
    const ids = new Set<string>();
    for (let top = this.heap.peek(); top && top.at <= boundMs; top = this.heap.peek()) {
      if (ids.size >= limit) break;
      this.heap.pop();
      // Stale (the id moved or left) or a copy of an item taken already: dropped for good.
      if (this.atOf.get(top.id) !== top.at || ids.has(top.id)) continue;
      taken.push(top);
      ids.add(top.id);
    }
    for (const item of taken) this.heap.push(item);
    return [...ids];
  }

  private compactIfStale(): void {
    if (this.heap.length <= 2 * this.atOf.size + COMPACT_FROM) return;
    const live = Array.from(this.atOf, ([id, at]) => ({ at, id }));
    this.heap = new TinyQueue(live, sooner);
  }
}

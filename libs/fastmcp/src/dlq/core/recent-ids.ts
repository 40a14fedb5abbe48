/**
 * The last `capacity` ids added, for "seen lately?" checks, each with an optional note. A ring of
 * slots beside a Map: the oldest id leaves in O(1). (Dropping a Set's first member with
 * `values().next()` scans past every member deleted before it, which cost ~16 µs a store once
 * 10,000 ids were kept.)
 */
export class RecentIds {
  private readonly members = new Map<string, string>();
  private readonly slots: Array<string | undefined>;
  private next = 0;

  constructor(capacity: number) {
    this.slots = new Array<string | undefined>(capacity);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  /** The note `id` was added with, if it is still here. */
  noteOf(id: string): string | undefined {
    return this.members.get(id);
  }

  /** Adds `id` unless it is there; the oldest id leaves when the ring is full. */
  add(id: string, note = ''): void {
    if (this.members.has(id)) return;
    const oldest = this.slots[this.next];
    if (oldest !== undefined) this.members.delete(oldest);
    this.slots[this.next] = id;
    this.members.set(id, note);
    this.next = (this.next + 1) % this.slots.length;
  }

  get size(): number {
    return this.members.size;
  }
}

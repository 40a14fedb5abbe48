import type { Page } from './dead-letter-queue.interface.js';
import { ANY_AGE, type DlqAgeWindow, isEmptyWindow, windowStart } from './dlq-age-window.js';
import { type DlqCursor, encodeCursor } from './dlq-cursor.js';
import { dlqIdTime } from './dlq-id.js';
import { isExpired, withLiveStatus } from './dlq-runtime.js';
import type { DlqIndex, DlqStorage } from './dlq-storage.interface.js';
import type { FailedOperation } from './failed-operation.interface.js';

/**
 * Reads entries the way every store serves them: expired entries hidden at once, `replaying`
 * only while a live lease backs it, pages keyset-paged on (time, id) so entries added or
 * removed meanwhile never shift a page, and any id met whose entry is gone healed away.
 */
export class DlqPageReader {
  constructor(
    private readonly storage: DlqStorage,
    private readonly now: () => number,
  ) {}

  async get(id: string): Promise<FailedOperation | null> {
    const [entry] = await this.storage.read([id]);
    if (!entry) {
      await this.storage.heal({ by: 'all' }, [id]);
      return null;
    }
    if (isExpired(entry, this.now())) return null;
    return (await this.withLiveStatus([entry]))[0];
  }

  /**
   * Up to `limit` entries of `index` that `keep` accepts, newest first, after `start`, created
   * within `window`: the read starts at the window's newest entry and ends at its oldest.
   */
  async page(
    index: DlqIndex,
    limit: number,
    start: DlqCursor | undefined,
    keep: (entry: FailedOperation) => boolean = () => true,
    window: DlqAgeWindow = ANY_AGE,
  ): Promise<Page<FailedOperation>> {
    const items: FailedOperation[] = [];
    if (isEmptyWindow(window)) return { items };
    const now = this.now();
    let cursor = windowStart(start, window);
    for (;;) {
      const want = limit - items.length + 1;
      const ids = await this.storage.page(index, cursor, want, window.oldestMs);
      const entries = await this.storage.read(ids);
      const dangling: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (dlqIdTime(ids[i]) < window.oldestMs) {
          await this.storage.heal(index, dangling);
          return { items: await this.withLiveStatus(items) };
        }
        const entry = entries[i];
        const shown = entry !== null && !isExpired(entry, now) && keep(entry);
        if (shown && items.length === limit) {
          await this.storage.heal(index, dangling);
          const last = items[items.length - 1];
          const nextCursor = encodeCursor({ score: dlqIdTime(last.id), id: last.id });
          return { items: await this.withLiveStatus(items), nextCursor };
        }
        cursor = { score: dlqIdTime(ids[i]), id: ids[i] };
        if (!entry) dangling.push(ids[i]);
        else if (shown) items.push(entry);
      }
      await this.storage.heal(index, dangling);
      if (ids.length < want) return { items: await this.withLiveStatus(items) };
    }
  }

  private async withLiveStatus(entries: FailedOperation[]): Promise<FailedOperation[]> {
    const replaying = entries.filter((e) => e.status === 'replaying').map((e) => e.id);
    if (replaying.length === 0) return entries;
    const live = await this.storage.liveLeases(replaying, this.now());
    return entries.map((e) => withLiveStatus(e, live.has(e.id)));
  }
}

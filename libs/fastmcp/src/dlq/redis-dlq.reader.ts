import type { Page } from './dead-letter-queue.interface.js';
import { type DlqCursor, encodeCursor } from './dlq-cursor.js';
import { dlqIdTime } from './dlq-id.js';
import { isExpired, withLiveStatus } from './dlq-runtime.js';
import type { FailedOperation } from './failed-operation.interface.js';
import type { RedisDlqKeys } from './redis/redis-dlq.keys.js';
import { pageIds } from './redis/redis-dlq.index-reads.js';
import type { RedisDlqRepository } from './redis/redis-dlq.repository.js';

/**
 * Reads of the Redis store. Pages are keyset-paged on (score, id), so entries added or removed
 * meanwhile never shift a page. Any id met whose entry is gone is healed out of every index.
 */
export class RedisDlqReader {
  constructor(
    private readonly repository: () => Promise<RedisDlqRepository>,
    private readonly keys: RedisDlqKeys,
    private readonly now: () => number,
  ) {}

  async get(id: string): Promise<FailedOperation | null> {
    const repository = await this.repository();
    const [entry] = await repository.entries([id]);
    if (!entry) {
      await repository.heal(this.keys.all, [id]);
      return null;
    }
    if (isExpired(entry, this.now())) return null;
    return (await this.withLiveStatus([entry]))[0];
  }

  /** Up to `limit` entries of `index`, newest first, after `cursor`. */
  async page(
    index: string,
    limit: number,
    start: DlqCursor | undefined,
  ): Promise<Page<FailedOperation>> {
    const repository = await this.repository();
    const items: FailedOperation[] = [];
    const now = this.now();
    let cursor = start;
    for (;;) {
      const want = limit - items.length + 1;
      const ids = await pageIds(repository.redis, index, cursor, want);
      const entries = await repository.entries(ids);
      const dangling: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        const entry = entries[i];
        if (entry && !isExpired(entry, now) && items.length === limit) {
          await repository.heal(index, dangling);
          const last = items[items.length - 1];
          const nextCursor = encodeCursor({ score: dlqIdTime(last.id), id: last.id });
          return { items: await this.withLiveStatus(items), nextCursor };
        }
        cursor = { score: dlqIdTime(ids[i]), id: ids[i] };
        if (!entry) dangling.push(ids[i]);
        else if (!isExpired(entry, now)) items.push(entry);
      }
      await repository.heal(index, dangling);
      if (ids.length < want) return { items: await this.withLiveStatus(items) };
    }
  }

  private async withLiveStatus(entries: FailedOperation[]): Promise<FailedOperation[]> {
    const replaying = entries.filter((e) => e.status === 'replaying').map((e) => e.id);
    if (replaying.length === 0) return entries;
    const live = await (await this.repository()).liveLeases(replaying);
    return entries.map((e) => withLiveStatus(e, live.has(e.id)));
  }
}

import {
  DLQ_DEFAULT_PAGE_LIMIT,
  DeadLetterQueueService,
  dlqFilterMatcher,
  type FailedOperation,
  type Page,
  type PageRequest,
} from '@app/fastmcp';
import { Inject, Injectable } from '@nestjs/common';
import { toDlqFilter } from './dlq-filter.dto.js';
import type { ListDlqQueryDto } from './list-dlq-query.dto.js';

/** Store pages read at most for one filtered request; the rest is reached through nextCursor. */
const MAX_PAGES_PER_REQUEST = 20;

/**
 * Lists DLQ entries with the store's indexes (all, by error class, by client id, by operation).
 * When several filters are given, or an age, one index is read and the filter (the library's, as
 * exports and bulk replays apply it) is applied to its pages, so such a page may hold fewer than
 * `limit` items, even none, and still have a nextCursor.
 */
@Injectable()
export class DlqBrowser {
  constructor(@Inject(DeadLetterQueueService) private readonly dlq: DeadLetterQueueService) {}

  async list(query: ListDlqQueryDto): Promise<Page<FailedOperation>> {
    const limit = query.limit ?? DLQ_DEFAULT_PAGE_LIMIT;
    const filter = toDlqFilter(query);
    const indexed = [filter.errorClass, filter.clientId, filter.operation, filter.priority];
    const fields = Object.keys(filter).length;
    const oneIndexOnly = fields === indexed.filter((f) => f !== undefined).length;
    if (fields === 0 || (fields === 1 && oneIndexOnly && query.sort !== 'priority'))
      return await this.read(query, { limit, cursor: query.cursor });

    const nowMs = Date.now();
    const keep = dlqFilterMatcher(filter, nowMs);
    // Newest first: once an entry is past the newerThan bound, every later one is too.
    const newEnough =
      filter.newerThanMs === undefined || query.sort === 'priority'
        ? undefined
        : dlqFilterMatcher({ newerThanMs: filter.newerThanMs }, nowMs);
    const items: FailedOperation[] = [];
    let cursor = query.cursor;
    for (let pages = 0; pages < MAX_PAGES_PER_REQUEST; pages += 1) {
      // Asking for what is still missing keeps each store cursor on a page boundary.
      const page = await this.read(query, { limit: limit - items.length, cursor });
      items.push(...page.items.filter(keep));
      cursor = page.nextCursor;
      if (newEnough && page.items.some((entry) => !newEnough(entry))) return { items };
      if (cursor === undefined || items.length >= limit) break;
    }
    return cursor === undefined ? { items } : { items, nextCursor: cursor };
  }

  private read(query: ListDlqQueryDto, page: PageRequest): Promise<Page<FailedOperation>> {
    if (query.sort === 'priority') return this.dlq.listByPriority(page);
    if (query.errorClass !== undefined) return this.dlq.getByErrorClass(query.errorClass, page);
    if (query.clientId !== undefined) return this.dlq.getByClientId(query.clientId, page);
    if (query.operation !== undefined) return this.dlq.getByOperation(query.operation, page);
    if (query.priority !== undefined) return this.dlq.getByPriority(query.priority, page);
    return this.dlq.list(page);
  }
}

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
 * Ages bound the read itself (it starts at the newest entry old enough and ends past the oldest
 * one new enough). When several other filters are given, one index is read and the filter (the
 * library's, as exports and bulk replays apply it) is applied to its pages, so such a page may
 * hold fewer than `limit` items, even none, and still have a nextCursor.
 */
@Injectable()
export class DlqBrowser {
  constructor(@Inject(DeadLetterQueueService) private readonly dlq: DeadLetterQueueService) {}

  async list(query: ListDlqQueryDto): Promise<Page<FailedOperation>> {
    const limit = query.limit ?? DLQ_DEFAULT_PAGE_LIMIT;
    const { olderThanMs, newerThanMs, ...fields } = toDlqFilter(query);
    const ages = { olderThanMs, newerThanMs };
    const indexed = [fields.errorClass, fields.clientId, fields.operation, fields.priority];
    const count = Object.keys(fields).length;
    const oneIndexOnly = count === indexed.filter((f) => f !== undefined).length;
    if (count === 0 || (count === 1 && oneIndexOnly && query.sort !== 'priority'))
      return await this.read(query, { limit, cursor: query.cursor, ...ages });

    const keep = dlqFilterMatcher(fields, Date.now());
    const items: FailedOperation[] = [];
    let cursor = query.cursor;
    for (let pages = 0; pages < MAX_PAGES_PER_REQUEST; pages += 1) {
      // Asking for what is still missing keeps each store cursor on a page boundary.
      const page = await this.read(query, { limit: limit - items.length, cursor, ...ages });
      items.push(...page.items.filter(keep));
      cursor = page.nextCursor;
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

import {
  DLQ_DEFAULT_PAGE_LIMIT,
  DeadLetterQueueService,
  type FailedOperation,
  type Page,
  type PageRequest,
} from '@app/fastmcp';
import { Inject, Injectable } from '@nestjs/common';
import type { ListDlqQueryDto } from './list-dlq-query.dto.js';

/** Store pages read at most for one filtered request; the rest is reached through nextCursor. */
const MAX_PAGES_PER_REQUEST = 20;

/**
 * Lists DLQ entries with the store's indexes (all, by error class, by client id, by operation).
 * When several filters are given, one index is read and the other filters are applied to its
 * pages, so such a page may hold fewer than `limit` items and still have a nextCursor.
 */
@Injectable()
export class DlqBrowser {
  constructor(@Inject(DeadLetterQueueService) private readonly dlq: DeadLetterQueueService) {}

  async list(query: ListDlqQueryDto): Promise<Page<FailedOperation>> {
    const limit = query.limit ?? DLQ_DEFAULT_PAGE_LIMIT;
    const filters = [query.errorClass, query.clientId, query.operation, query.priority].filter(
      (f) => f !== undefined,
    );
    if (filters.length === 0 || (filters.length === 1 && query.sort !== 'priority'))
      return await this.read(query, { limit, cursor: query.cursor });

    const items: FailedOperation[] = [];
    let cursor = query.cursor;
    for (let pages = 0; pages < MAX_PAGES_PER_REQUEST; pages += 1) {
      // Asking for what is still missing keeps each store cursor on a page boundary.
      const page = await this.read(query, { limit: limit - items.length, cursor });
      items.push(...page.items.filter((entry) => matches(entry, query)));
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

function matches(entry: FailedOperation, query: ListDlqQueryDto): boolean {
  return (
    (query.operation === undefined || entry.operation === query.operation) &&
    (query.clientId === undefined || entry.clientId === query.clientId) &&
    (query.errorClass === undefined || entry.errorClass === query.errorClass) &&
    (query.priority === undefined || entry.priority === query.priority)
  );
}

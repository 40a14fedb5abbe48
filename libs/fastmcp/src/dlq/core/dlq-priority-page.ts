import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import type { Page } from './dead-letter-queue.interface.js';
import { decodeCursor, type DlqCursor } from './dlq-cursor.js';
import type { DlqIndex } from './dlq-storage.interface.js';
import { DLQ_PRIORITIES, type FailedOperation } from './failed-operation.interface.js';

type ReadPage = (
  index: DlqIndex,
  limit: number,
  cursor: DlqCursor | undefined,
) => Promise<Page<FailedOperation>>;

const PREFIX = 'p.';

/**
 * A page of entries sorted by priority (high, then normal, then low), newest first within one
 * priority. The cursor is the priority's position plus an ordinary cursor within it.
 */
export async function pageByPriority(
  read: ReadPage,
  limit: number,
  rawCursor: string | undefined,
): Promise<Page<FailedOperation>> {
  const start = decodePriorityCursor(rawCursor);
  const items: FailedOperation[] = [];
  for (let rank = start.rank; rank < DLQ_PRIORITIES.length; rank++) {
    const cursor = rank === start.rank ? start.cursor : undefined;
    const index: DlqIndex = { by: 'priority', value: DLQ_PRIORITIES[rank] };
    const page = await read(index, limit - items.length, cursor);
    items.push(...page.items);
    if (page.nextCursor) return { items, nextCursor: `${PREFIX}${rank}.${page.nextCursor}` };
    if (items.length === limit && rank + 1 < DLQ_PRIORITIES.length) {
      return { items, nextCursor: `${PREFIX}${rank + 1}.` };
    }
  }
  return { items };
}

function decodePriorityCursor(raw: string | undefined): {
  rank: number;
  cursor: DlqCursor | undefined;
} {
  if (raw === undefined) return { rank: 0, cursor: undefined };
  const match = typeof raw === 'string' ? /^p\.([0-2])\.(.*)$/.exec(raw) : null;
  if (!match) {
    throw new DlqValidationError('cursor', 'not a cursor returned by this queue (sort=priority)');
  }
  return { rank: Number(match[1]), cursor: match[2] === '' ? undefined : decodeCursor(match[2]) };
}

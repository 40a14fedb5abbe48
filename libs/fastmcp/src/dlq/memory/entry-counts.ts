import type { DlqEntryMeta } from '../core/dlq-entry-meta.js';

/** Entries by each field's value, kept up to date as entries come and go (stats read them). */
export class EntryCounts {
  readonly byOperation = new Map<string, number>();
  readonly byClientId = new Map<string, number>();
  readonly byErrorClass = new Map<string, number>();
  readonly byPriority = new Map<string, number>();

  add(meta: DlqEntryMeta): void {
    bump(this.byOperation, meta.operation, 1);
    bump(this.byClientId, meta.clientId, 1);
    bump(this.byErrorClass, meta.errorClass, 1);
    bump(this.byPriority, meta.priority, 1);
  }

  remove(meta: DlqEntryMeta): void {
    bump(this.byOperation, meta.operation, -1);
    bump(this.byClientId, meta.clientId, -1);
    bump(this.byErrorClass, meta.errorClass, -1);
    bump(this.byPriority, meta.priority, -1);
  }
}

/** A value with no entries left is dropped, so the maps name only values that have some. */
function bump(counts: Map<string, number>, value: string, by: number): void {
  const next = (counts.get(value) ?? 0) + by;
  if (next > 0) counts.set(value, next);
  else counts.delete(value);
}

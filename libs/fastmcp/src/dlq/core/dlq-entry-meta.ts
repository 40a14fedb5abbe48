import type { DlqIndex } from './dlq-storage.interface.js';
import type { FailedOperation } from './failed-operation.interface.js';

/** The fields an entry is indexed, filtered and counted by. */
export interface DlqEntryMeta {
  operation: string;
  clientId: string;
  errorClass: string;
  priority: string;
}

export function metaOf(entry: FailedOperation): DlqEntryMeta {
  return {
    operation: entry.operation,
    clientId: entry.clientId,
    errorClass: entry.errorClass,
    priority: entry.priority ?? 'normal',
  };
}

export function inIndex(meta: DlqEntryMeta, index: DlqIndex): boolean {
  return index.by === 'all' || meta[index.by] === index.value;
}

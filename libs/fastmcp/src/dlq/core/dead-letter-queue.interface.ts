import type { DlqOperationName } from '../../events/operation-name.js';
import type { DlqPriority } from './failed-operation.interface.js';

export interface PageRequest {
  /** 1..500. Default 50. */
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  /** Only entries created at least this many ms ago: the read starts at the newest of them. */
  olderThanMs?: number;
  /** Only entries created at most this many ms ago: the read ends (no `nextCursor`) past them. */
  newerThanMs?: number;
}

export interface Page<T> {
  items: T[];
  /** Present when there may be more entries after this page. */
  nextCursor?: string;
}

export interface DlqStats {
  total: number;
  byOperation: Partial<Record<DlqOperationName, number>>;
  /** The top client ids by entry count (20). */
  byClientId: Record<string, number>;
  /** The top error classes by entry count (50). */
  byErrorClass: Record<string, number>;
  /** How many client ids and error classes have entries, listed above or not. */
  clientIdCount: number;
  errorClassCount: number;
  byPriority: Partial<Record<DlqPriority, number>>;
  /** Entries an automatic redrive policy will replay when due. */
  dueForRedrive: number;
  oldestAgeSeconds: number | null;
  newestAt: string | null;
}

/** What `import` did: entries written, entries skipped (id known), lines refused and why. */
export interface DlqImportResult {
  imported: number;
  skipped: number;
  /** The first 100 values that are not entries (1-based, counting values), with why. */
  invalid: Array<{ line: number; reason: string }>;
  /** How many values were not entries, listed or not. */
  invalidCount: number;
  /** Set when the import stopped at this value: 1,000 were not entries, so the rest is not read. */
  stoppedAtLine?: number;
}

export interface ReplayResult {
  id: string;
  result: unknown;
}

export interface ReplayOptions {
  /** Replay an entry whose first delivery is unknown (the tool may run twice). Default false. */
  force?: boolean;
}

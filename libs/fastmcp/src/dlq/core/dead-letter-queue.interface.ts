import type { OperationName } from '../../events/operation-name.js';
import type {
  DlqPriority,
  FailedOperation,
  FailedOperationInput,
} from './failed-operation.interface.js';

export interface PageRequest {
  /** 1..500. Default 50. */
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when there may be more entries after this page. */
  nextCursor?: string;
}

export interface DlqStats {
  total: number;
  byOperation: Partial<Record<OperationName, number>>;
  /** The top client ids by entry count. */
  byClientId: Record<string, number>;
  byErrorClass: Record<string, number>;
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
  invalid: Array<{ line: number; reason: string }>;
}

export interface ReplayResult {
  id: string;
  result: unknown;
}

/** A dead-letter queue store. Redis and in-memory stores implement it; inject it with `DEAD_LETTER_QUEUE`. */
export interface DeadLetterQueue {
  store(input: FailedOperationInput): Promise<FailedOperation>;
  get(id: string): Promise<FailedOperation | null>;
  delete(id: string): Promise<boolean>;
  list(page?: PageRequest): Promise<Page<FailedOperation>>;
  getByOperation(operation: OperationName, page?: PageRequest): Promise<Page<FailedOperation>>;
  getByClientId(clientId: string, page?: PageRequest): Promise<Page<FailedOperation>>;
  /** Entries whose last failure has this class (`http_503`, `timeout`, ...), newest first. */
  getByErrorClass(errorClass: string, page?: PageRequest): Promise<Page<FailedOperation>>;
  cleanup(olderThanMs: number): Promise<number>;
  getStats(): Promise<DlqStats>;
  /**
   * Re-runs the entry once with the normal retry. An entry marked `deliveryUnknown` (the tool may
   * already have run) needs `force: true`, or ReplayConflictError is thrown and nothing is sent.
   */
  replay(id: string, options?: ReplayOptions): Promise<ReplayResult>;
}

export interface ReplayOptions {
  /** Replay an entry whose first delivery is unknown (the tool may run twice). Default false. */
  force?: boolean;
}

/** Injection token of the active `DeadLetterQueue` (null when `dlq: false`). */
export const DEAD_LETTER_QUEUE = Symbol('FastMcp:DeadLetterQueue');

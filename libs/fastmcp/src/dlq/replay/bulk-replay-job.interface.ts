import type { DlqFilter } from '../core/dlq-filter.js';

/** What to replay in bulk, and how fast. */
export interface BulkReplayRequest {
  /** Which entries (all when empty). */
  filter?: DlqFilter;
  /** Replays started per second at most. Default 10 (0.1..1000). */
  ratePerSecond?: number;
  /** Replays running at once. Default 4 (1..32). */
  concurrency?: number;
  /** Entries taken at most. Default 10000 (1..100000). */
  limit?: number;
  /** Replay entries marked `deliveryUnknown` too (the tool may run twice). Default false: skipped. */
  force?: boolean;
}

export type BulkReplayState = 'running' | 'done' | 'cancelled';

/** A bulk replay job: a snapshot of ids taken at its start, and its progress. */
export interface BulkReplayJob {
  id: string;
  state: BulkReplayState;
  createdAt: string;
  updatedAt: string;
  filter: DlqFilter;
  ratePerSecond: number;
  concurrency: number;
  force: boolean;
  /** Ids in the snapshot. */
  total: number;
  /** Ids dealt with so far (succeeded + failed + skipped). */
  done: number;
  succeeded: number;
  failed: number;
  /** Gone, replaying elsewhere, or `deliveryUnknown` without `force`. */
  skipped: number;
}

import type { DlqStats } from './dead-letter-queue.interface.js';
import type { DlqCursor } from './dlq-cursor.js';
import type { FailedOperation } from './failed-operation.interface.js';

/** An index entries can be paged by: every entry, or those with one field's value. */
export type DlqIndex =
  { by: 'all' } | { by: 'operation' | 'clientId' | 'errorClass' | 'priority'; value: string };

export interface DlqInsertOptions {
  nowMs: number;
  /** Time (ms) of the first automatic redrive, 0 for none. */
  dueAt: number;
  /** Fingerprint of the failure (dedup; '' without a window) and how long it names this entry. */
  fingerprint: string;
  dedupWindowMs: number;
  /** Store even if the fingerprint names another entry (that entry turned out to be gone). */
  ignoreDedup?: boolean;
}

export type DlqInsertResult =
  /** `known`: the id was stored before (or deleted lately): nothing changed. */
  | { kind: 'stored' | 'known'; total: number }
  /** A recent entry has the same fingerprint. */
  | { kind: 'duplicate'; id: string };

/**
 * How a replay's end was written: `lost` when its token no longer holds the lease (it ran out,
 * or another replay took it): nothing was written.
 */
export type DlqFinishResult = 'ok' | 'lost' | 'missing' | 'changed';

/** What `beginReplay` found and wrote. */
export interface DlqReplayStart {
  /** The entry as written: status `replaying`, under the caller's lease. */
  entry: FailedOperation;
  /**
   * True when the entry was still `replaying` with no live lease: a replay of it was abandoned
   * (its instance died or lost the store before writing the end) and may have run. The entry is
   * marked `deliveryUnknown` and out of the due-time index; the replay that found it so must not
   * run it, even with `force` (that force was not given knowing of this new uncertainty).
   */
  abandoned: boolean;
}

/** A bulk replay job as the storage keeps it (the service owns its meaning). */
export interface DlqJobRecord {
  id: string;
  /** JSON of the job's state. */
  state: string;
}

/**
 * Where entries live. Each method is atomic on its own; the rules (validation, redaction,
 * paging, retention policy, leases' meaning, events) are `DeadLetterQueueService`'s. A new
 * store implements this and nothing else.
 */
export interface DlqStorage {
  /** Connects; called once at start. */
  open(): Promise<void>;
  /** Disconnects what it opened; idempotent. */
  close(): Promise<void>;

  /** Adds an entry with its index memberships, unless its id is known or a duplicate is recent. */
  insert(entry: FailedOperation, options: DlqInsertOptions): Promise<DlqInsertResult>;
  /** Removes an entry and leaves a tombstone (an operator's delete). */
  remove(id: string): Promise<boolean>;
  /** The entries of these ids, null where gone or unreadable. */
  read(ids: readonly string[]): Promise<Array<FailedOperation | null>>;
  /**
   * Up to `count` ids of an index, newest first, strictly after `cursor`, none created before
   * `oldestMs` (an age window's end: a rare value must not make the read go through the rest).
   */
  page(
    index: DlqIndex,
    cursor: DlqCursor | undefined,
    count: number,
    oldestMs?: number,
  ): Promise<string[]>;
  /** Drops ids whose entry is gone from every index. */
  heal(index: DlqIndex, ids: readonly string[]): Promise<void>;
  stats(nowMs: number): Promise<DlqStats>;
  /**
   * How many ids of an index were created in each of `buckets` spans of `bucketMs`, the first
   * starting at `fromMs` (by id time, as pages are ordered).
   */
  countByTime(
    index: DlqIndex,
    fromMs: number,
    bucketMs: number,
    buckets: number,
  ): Promise<number[]>;
  /**
   * Removes, in bounded batches, entries expired at `boundMs` (`expired`) or created before it
   * (`before`); `onBatch` gets each batch's ids. Returns how many. An entry under a live replay
   * lease at `nowMs` is left for a later pass: its replay writes its end (a failure kept).
   */
  sweep(
    mode: 'expired' | 'before',
    boundMs: number,
    nowMs: number,
    onBatch: (ids: string[]) => void,
  ): Promise<number>;
  /**
   * Removes the oldest entries beyond `maxEntries` (one batch at most, none under a live replay
   * lease at `nowMs`); returns their ids.
   */
  evictBeyond(maxEntries: number, nowMs: number): Promise<string[]>;
  /**
   * Changes an entry's JSON with `change` (compare-and-set, tried again if it changed
   * meanwhile); `change` returning null leaves it. Indexed fields must not change. Returns the
   * new entry, or null when it is gone.
   */
  update(
    id: string,
    change: (entry: FailedOperation) => FailedOperation | null,
  ): Promise<FailedOperation | null>;

  /** Which of these ids have a live replay lease. */
  liveLeases(ids: readonly string[], nowMs: number): Promise<Set<string>>;
  /**
   * Takes the lease and marks the entry `replaying`; throws not-found or conflict. An entry
   * still `replaying` with no live lease was left by a replay that may have run: it comes back
   * marked `deliveryUnknown`, out of the due-time index, and reported `abandoned`.
   */
  beginReplay(id: string, token: string, leaseMs: number, nowMs: number): Promise<DlqReplayStart>;
  /** Extends the lease while `token` holds it; false when it does not any more. */
  renewReplay(id: string, token: string, leaseMs: number, nowMs: number): Promise<boolean>;
  /** After a replay that succeeded: removes the entry (tombstone, lease) if `token` holds the lease. */
  completeReplay(id: string, token: string, nowMs: number): Promise<DlqFinishResult>;
  /**
   * Writes the entry back after a failed replay and releases the lease, if `token` holds it.
   * `dueAt`: next redrive time (ms), 0 to clear it, -1 to leave it.
   */
  finishReplayFailure(
    id: string,
    token: string,
    entry: FailedOperation,
    dueAt: number,
    nowMs: number,
  ): Promise<DlqFinishResult>;

  /** Ids whose next redrive time is at or before `nowMs`, soonest first. */
  due(nowMs: number, limit: number): Promise<string[]>;
  /** Sets (ms) or clears (0) an entry's next redrive time. */
  setDue(id: string, dueAt: number): Promise<void>;
  /** How many entries wait for a redrive. */
  dueCount(): Promise<number>;

  /** Takes (or renews, with the same token) a named lease; false when another holds it. */
  lease(name: string, token: string, ms: number, nowMs: number): Promise<boolean>;
  /**
   * Extends a named lease while this token holds it; never takes one that ran out (another
   * holder may have taken it and let it go since). False when it is not held by this token.
   */
  renewLease(name: string, token: string, ms: number, nowMs: number): Promise<boolean>;
  releaseLease(name: string, token: string): Promise<void>;

  /** Saves a job's state (and, when given, its snapshot of ids). */
  saveJob(job: DlqJobRecord, ids?: readonly string[]): Promise<void>;
  /**
   * Cancels a running job in one step: only its `state` and `updatedAt` change, so progress the
   * runner saved meanwhile stays; a finished job is left as it is. Returns the job as stored
   * after, null when there is none.
   */
  cancelJob(id: string, updatedAt: string): Promise<DlqJobRecord | null>;
  job(id: string): Promise<DlqJobRecord | null>;
  /** Job ids, newest first. */
  jobIds(limit: number): Promise<string[]>;
  /** Lines of a job's snapshot (an id, and its replay count at the start) from `from`, `count` at most. */
  jobSnapshot(id: string, from: number, count: number): Promise<string[]>;
}

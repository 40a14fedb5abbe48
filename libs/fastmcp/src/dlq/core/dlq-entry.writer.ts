import { DLQ_SWEEP_BATCH } from './dlq.constants.js';
import { describe, type DlqNotifier } from './dlq-notifier.js';
import { failureFingerprint } from './dlq-fingerprint.js';
import type { DlqStorage } from './dlq-storage.interface.js';
import type { FailedOperation } from './failed-operation.interface.js';
import { CoalescedRun } from './coalesced-run.js';
import { RecentIds } from './recent-ids.js';
import { TurnsByKey } from './turns-by-key.js';

const ANNOUNCED_IDS_KEPT = 10_000;

/**
 * How far below the cap a store's trim evicts: 1 % of it (none below 100 entries, at most 400,
 * so that with the stores in flight one eviction batch still covers it), so that a full queue
 * trims once per that many stores rather than after each.
 */
export function evictionSlack(maxEntries: number): number {
  return Math.min(Math.floor(maxEntries / 100), DLQ_SWEEP_BATCH - 100);
}

export interface DlqWriteResult {
  entry: FailedOperation;
  outcome: 'stored' | 'known' | 'folded';
}

export interface DlqWriteRules {
  maxEntries: number;
  /** 0: every failure is its own entry. */
  dedupWindowMs: number;
  now(): number;
  /** Time (ms) of the entry's first automatic redrive, 0 for none. */
  dueAt(entry: FailedOperation): number;
}

/** Where an entry comes from: a new failure (deduplicated), an import, or a restore. */
export type DlqWriteSource = 'failure' | 'import' | 'restore';

/**
 * Writes one entry: idempotent by id (a retried write never duplicates), folded into a recent
 * entry of the same failure (dedup: `occurrences` and `lastFailedAt` go up), then retention and
 * the cap when the insert finds the queue over its cap. Expired entries alone do not make a
 * store wait: reads hide them at once and the timer's sweep removes them.
 */
export class DlqEntryWriter {
  /** Ids announced as stored lately, so a write whose answer was lost is counted once. */
  private readonly announced = new RecentIds(ANNOUNCED_IDS_KEPT);
  /** Failures folded lately, noted with the entry they went into (see `write`). */
  private readonly folded = new RecentIds(ANNOUNCED_IDS_KEPT);
  /** Bumps of one entry from this instance run in turn (see bump). */
  private readonly bumps = new TurnsByKey();
  /**
   * Retention and the cap after stores that found the queue over its cap. Stores that arrive
   * together share a trim instead of running one each, and the trim leaves room (evictionSlack).
   */
  private readonly trimAfterStores = new CoalescedRun(() =>
    this.trim(this.rules.maxEntries - evictionSlack(this.rules.maxEntries)).then(
      () => undefined,
      (error: unknown) => {
        this.notifier.logger.warn(`DLQ retention after a store failed: ${describe(error)}`);
      },
    ),
  );

  constructor(
    private readonly storage: DlqStorage,
    private readonly rules: DlqWriteRules,
    private readonly notifier: DlqNotifier,
  ) {}

  /**
   * The entry as stored (`stored`), the same id already there (`known`), or the earlier entry
   * of the same failure it was folded into (`folded`). An import keeps entries apart (no dedup)
   * and skips known ids silently; a restore (the memory store's entries, back from the spill
   * file) does too, and announces nothing: each was announced when first stored.
   */
  async write(given: FailedOperation, source: DlqWriteSource = 'failure'): Promise<DlqWriteResult> {
    const dedup = source === 'failure';
    const dueAt = given.redriveExhausted ? 0 : this.rules.dueAt(given);
    const entry = dueAt > 0 ? { ...given, nextRedriveAt: new Date(dueAt).toISOString() } : given;
    const dedupWindowMs = dedup ? this.rules.dedupWindowMs : 0;
    const options = {
      nowMs: this.rules.now(),
      dueAt,
      fingerprint: dedupWindowMs > 0 ? failureFingerprint(entry) : '',
      dedupWindowMs,
    };
    // A retry of a write that folded this failure and lost its answer (it timed out, then
    // landed) would count the failure twice: it gets the first fold's answer.
    const foldedBefore = this.folded.has(entry.id) ? await this.foldedAnswer(entry) : undefined;
    if (foldedBefore) return foldedBefore;
    let reply = await this.storage.insert(entry, options);
    if (reply.kind === 'duplicate') {
      const otherId = reply.id;
      const bumped = await this.bumps.run(otherId, () =>
        this.folded.has(entry.id) ? Promise.resolve(null) : this.bump(otherId, entry),
      );
      if (bumped) return { entry: bumped, outcome: 'folded' };
      // The first write of this failure folded it while this one waited its turn.
      const foldedMeanwhile = await this.foldedAnswer(entry);
      if (foldedMeanwhile) return foldedMeanwhile;
      reply = await this.storage.insert(entry, { ...options, ignoreDedup: true });
    }
    if (reply.kind !== 'stored') {
      // A failure's id is new, so a known id means an earlier try of this write landed and its
      // answer was lost (a connection cut, ioredis re-sending, the buffer retrying): announce it.
      if (dedup) this.announce(entry);
      return { entry, outcome: 'known' };
    }
    if (source !== 'restore') this.announce(entry);
    if (reply.total > this.rules.maxEntries) await this.trimAfterStores.run();
    return { entry, outcome: 'stored' };
  }

  /** The answer of this failure's earlier fold, if this instance folded it lately. */
  private async foldedAnswer(entry: FailedOperation): Promise<DlqWriteResult | undefined> {
    const otherId = this.folded.noteOf(entry.id);
    if (otherId === undefined) return undefined;
    const [other] = await this.storage.read([otherId]);
    return { entry: other ?? entry, outcome: 'folded' };
  }

  private announce(entry: FailedOperation): void {
    if (this.announced.has(entry.id)) return;
    this.announced.add(entry.id);
    this.notifier.stored(entry);
  }

  /** Retention, then the cap: the oldest beyond `keep` entries (the cap by default) go. */
  async trim(keep = this.rules.maxEntries): Promise<number> {
    const max = this.rules.maxEntries;
    const now = this.rules.now();
    const expired = await this.storage.sweep('expired', now, now, (ids) =>
      this.notifier.evicted('ttl', ids, max),
    );
    const evicted = await this.storage.evictBeyond(keep, now);
    this.notifier.evicted('cap', evicted, max);
    return expired + evicted.length;
  }

  /**
   * Folds `again` into the entry. A failure that may have run marks the entry so (a replay of it
   * would run it once more): `deliveryUnknown`, out of automatic redrive. Null when there is
   * nothing to fold into: the entry is gone, or it is being replayed (a replay that succeeds
   * removes it, and the new failure with it; one that fails rewrites it without the fold), or
   * the compare-and-set kept losing to other instances (the failure is then kept apart).
   */
  private async bump(id: string, again: FailedOperation): Promise<FailedOperation | null> {
    let replaying = false;
    const bumped = await this.storage.update(id, (entry) => {
      if (entry.status === 'replaying') {
        replaying = true;
        return null;
      }
      const folded = {
        ...entry,
        occurrences: (entry.occurrences ?? 1) + 1,
        lastFailedAt: again.failedAt,
      };
      if (again.deliveryUnknown) {
        folded.deliveryUnknown = true;
        delete folded.nextRedriveAt;
      }
      return folded;
    });
    if (replaying) return null;
    if (bumped?.deliveryUnknown && again.deliveryUnknown) await this.storage.setDue(id, 0);
    if (bumped) {
      this.folded.add(again.id, id);
      this.notifier.deduplicated(bumped, again.id);
    }
    return bumped;
  }
}

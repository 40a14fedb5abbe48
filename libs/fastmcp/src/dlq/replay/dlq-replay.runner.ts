import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FastMcpError, isFastMcpError } from '../../errors/fastmcp.error.js';
import { isFastMcpShutdownError } from '../../errors/fastmcp-shutdown.error.js';
import { isReplayConflictError, ReplayConflictError } from '../../errors/replay-conflict.error.js';
import { isUnknownClientError } from '../../errors/unknown-client.error.js';
import type { ReplayOptions, ReplayResult } from '../core/dead-letter-queue.interface.js';
import { DLQ_MESSAGE_MAX_BYTES } from '../core/dlq.constants.js';
import { capAttempts, capUtf8 } from '../core/dlq-capping.js';
import { errorClassOf } from '../core/dlq-entry.builder.js';
import { describe, type DlqNotifier } from '../core/dlq-notifier.js';
import type { DlqRedrivePlan } from '../core/dlq-redrive.plan.js';
import { asUnavailable } from '../core/dlq-runtime.js';
import type { DlqFinishResult, DlqReplayStart, DlqStorage } from '../core/dlq-storage.interface.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { OperationReplayer, ReplayOutcome } from './operation-replayer.interface.js';
import { retryWhileStoreAway } from './retry-while-store-away.js';

export interface ReplayContext {
  storage: DlqStorage;
  replayer: OperationReplayer;
  notifier: DlqNotifier;
  plan: DlqRedrivePlan;
  leaseMs: number;
  now: () => number;
  /** True once the queue closes: a replay's end is then no longer tried again. */
  closing: () => boolean;
}

export interface RunReplayOptions extends ReplayOptions {
  /** An automatic redrive: counts `redriveCount`, and may mark `redriveExhausted`. */
  redrive?: boolean;
  /**
   * Called when the replay is refused before anything is sent (the app is shutting down): the
   * entry is left as it was; FastMcpShutdownError is thrown all the same.
   */
  onRefused?: () => void;
  /**
   * A bulk job's replay: the entry's `replayCount` when the job's chunk began. A different count
   * means it was replayed since (by the instance the job was taken over from, or by another
   * replay), so it is not run again; ReplayConflictError is thrown.
   */
  replayCountWas?: number;
}

/** A replay begun: its entry's lease, kept until the replay's end is written. */
interface LeasedReplay {
  id: string;
  token: string;
  lease: LeaseKeeper;
  ctx: ReplayContext;
}

/** Writes the replay's end (see retryWhileStoreAway). */
function writeEnd<T>(leased: LeasedReplay, write: (storage: DlqStorage) => Promise<T>): Promise<T> {
  const { ctx, lease } = leased;
  return retryWhileStoreAway(() => write(ctx.storage), lease, ctx.closing);
}

/** Ends a replay that ran nothing: the lease is given back and the entry left as it was. */
function releaseUntouched(leased: LeasedReplay, entry: FailedOperation): Promise<DlqFinishResult> {
  const { id, token, ctx } = leased;
  return writeEnd(leased, (storage) =>
    storage.finishReplayFailure(id, token, { ...entry, status: 'dead' }, -1, ctx.now()),
  );
}

/**
 * Replays one entry under its lease, renewed while the call runs. On success the entry is removed
 * and the result returned; on failure the entry goes back to `dead` with the new attempts (and its
 * next redrive time) and the error is thrown. Either end is written only while this replay still
 * holds the lease; a replay that lost it (or whose process died before the end was written) leaves
 * an entry that may have run: it is marked `deliveryUnknown`, so it runs again only with `force`.
 * The replay that finds such an abandoned entry does not run it, even with `force` (that force was
 * decided before this uncertainty arose): it throws ReplayConflictError, and a later forced
 * replay runs it. A replay the client refuses before sending anything leaves the entry as it was
 * (same error, count and redrive time): FastMcpShutdownError once the app is shutting down,
 * UnknownClientError for a client id not configured on this instance.
 */
export async function runReplay(
  id: string,
  ctx: ReplayContext,
  options: RunReplayOptions = {},
): Promise<ReplayResult> {
  const token = randomUUID();
  const grantedAt = performance.now();
  let started: DlqReplayStart;
  try {
    started = await ctx.storage.beginReplay(id, token, ctx.leaseMs, ctx.now());
  } catch (error) {
    if (isReplayConflictError(error)) notifyReplayed(ctx, id, options, 'conflict');
    asUnavailable(error);
  }
  const renew = () => ctx.storage.renewReplay(id, token, ctx.leaseMs, ctx.now());
  const lease = new LeaseKeeper(renew, ctx.leaseMs, `replay of DLQ entry ${id}`, grantedAt);
  try {
    return await runBegun({ id, token, lease, ctx }, started, options);
  } finally {
    await lease.stop();
  }
}

/** The replay once its lease is held: the checks, the call and its end. */
async function runBegun(
  leased: LeasedReplay,
  { entry, abandoned }: DlqReplayStart,
  options: RunReplayOptions,
): Promise<ReplayResult> {
  const { id, ctx } = leased;
  // `force` covers the uncertainty the caller saw when deciding, not one that arose since: an
  // entry whose previous replay was abandoned (it may have run) is not run in this step at all.
  if (abandoned || (entry.deliveryUnknown && !options.force)) {
    await releaseUntouched(leased, entry).catch(asUnavailable);
    if (abandoned) {
      ctx.notifier.logger.warn(
        `DLQ entry ${id} was not replayed: its previous replay was abandoned (its lease ran out ` +
          'before it ended), so it is marked deliveryUnknown',
      );
    }
    notifyReplayed(ctx, id, options, 'conflict');
    throw new ReplayConflictError(id, { reason: refusal(id, abandoned) });
  }
  if (entry.argumentsTruncated && entry.operation === 'call_tool') {
    // The stored arguments are a marker, not the call's: running them would be another call.
    await releaseUntouched(leased, entry).catch(asUnavailable);
    notifyReplayed(ctx, id, options, 'conflict');
    throw new ReplayConflictError(id, {
      reason: `dead-letter entry ${id} cannot be replayed: its arguments were capped when it was stored`,
    });
  }
  if (options.redrive && !stillDue(entry, ctx.now())) {
    // The round read the entry due, but another instance redrove it since: it waits its turn.
    await releaseUntouched(leased, entry).catch(asUnavailable);
    throw new ReplayConflictError(id, {
      reason: `dead-letter entry ${id} was not redriven: it was redriven since and is not due`,
    });
  }
  if (options.replayCountWas !== undefined && entry.replayCount !== options.replayCountWas) {
    await releaseUntouched(leased, entry).catch(asUnavailable);
    throw new ReplayConflictError(id, {
      reason: `dead-letter entry ${id} was not replayed: it was replayed since its job's chunk began`,
    });
  }
  const outcome = await replayOnce(ctx.replayer, entry, leased.lease.signal);
  if ('refused' in outcome) {
    // Nothing was sent: this is not a failed replay, so nothing of it is written.
    const why = outcome.shutdown
      ? 'the app is shutting down'
      : `its client id "${entry.clientId}" is not configured on this instance`;
    await releaseUntouched(leased, entry).catch((error: unknown) => {
      ctx.notifier.logger.error(
        `DLQ entry ${id} was not replayed (${why}) and its lease could not be released ` +
          `(it is marked deliveryUnknown once the lease runs out): ${describe(error)}`,
      );
    });
    ctx.notifier.logger.warn(`DLQ entry ${id} was not replayed: ${why}; the entry stays as it was`);
    if (outcome.shutdown) options.onRefused?.();
    else notifyReplayed(ctx, id, options, 'conflict');
    throw outcome.refused;
  }
  if (outcome.ok) {
    const finished = await writeEnd(leased, (storage) =>
      storage.completeReplay(id, leased.token, ctx.now()),
    ).catch((error: unknown) => {
      ctx.notifier.logger.error(
        `DLQ entry ${id} was replayed but could not be removed (once its lease runs out it is ` +
          `marked deliveryUnknown): ${describe(error)}`,
      );
    });
    if (finished === 'lost') await markLost(id, ctx);
    ctx.notifier.logger.log(`Replayed DLQ entry ${id} (operation: ${entry.operation})`);
    notifyReplayed(ctx, id, options, 'success');
    return { id, result: outcome.result };
  }
  const failed = failedAgain(entry, outcome, ctx.now(), options.redrive === true);
  const dueAt = scheduleNext(failed, ctx);
  const finished = await writeEnd(leased, (storage) =>
    storage.finishReplayFailure(id, leased.token, failed, dueAt, ctx.now()),
  ).catch((error: unknown) => {
    ctx.notifier.logger.error(
      `DLQ entry ${id} failed again but could not be updated (it stays queued): ${describe(error)}`,
    );
  });
  if (finished === 'lost') await markLost(id, ctx);
  if (finished === 'missing') {
    ctx.notifier.logger.warn(
      `DLQ entry ${id} was deleted while its replay ran; the replay's failure is not kept`,
    );
  }
  ctx.notifier.logger.warn(
    `Replay of DLQ entry ${id} failed (error: ${failed.error}); replayCount ${failed.replayCount}` +
      (failed.redriveExhausted ? '; automatic redrives exhausted' : ''),
  );
  notifyReplayed(ctx, id, options, 'failure');
  // Anything but the client's own errors (a RangeError of an entry nested too deep) is wrapped:
  // a replay fails with a FastMcpError, never a bare error a REST layer would answer 500 to.
  throw isFastMcpError(outcome.error)
    ? outcome.error
    : new FastMcpError(failed.error, {
        operation: entry.operation,
        clientId: entry.clientId,
        cause: outcome.error,
      });
}

/** A replay's end for `fastmcp_dlq_replays_total`; a redrive counts once, as a redrive only. */
function notifyReplayed(
  ctx: ReplayContext,
  id: string,
  options: RunReplayOptions,
  result: 'success' | 'failure' | 'conflict',
): void {
  if (!options.redrive) ctx.notifier.replayed(id, result);
}

/** Whether the entry, read under the lease, is still due for an automatic redrive. */
function stillDue(entry: FailedOperation, nowMs: number): boolean {
  if (entry.redriveExhausted) return false;
  return !entry.nextRedriveAt || Date.parse(entry.nextRedriveAt) <= nowMs;
}

/** Why a replay was refused before anything was sent. */
function refusal(id: string, abandoned: boolean): string {
  return abandoned
    ? `dead-letter entry ${id} was not replayed: its previous replay was abandoned and its ` +
        'delivery is unknown (it may already have run); replay it with force to run it again'
    : `dead-letter entry ${id} may already have run (delivery unknown): ` +
        'replay it with force to run it again';
}

/** A replay the client refused before sending anything: shutdown, or an unknown client id. */
interface ReplayRefused {
  refused: Error;
  shutdown: boolean;
}

/**
 * The replay ended after its lease was lost: another replay may be running it, or may have run it,
 * so nothing of this one is written but the mark that the call may have run.
 */
async function markLost(id: string, ctx: ReplayContext): Promise<void> {
  ctx.notifier.logger.error(
    `Replay of DLQ entry ${id} lost its lease before it ended: the entry is kept as it is, ` +
      'marked deliveryUnknown',
  );
  try {
    // Dead again, not `replaying`: the mark says it all, and an abandoned replay's refusal would
    // make the operator force it twice. The replay counts (it may have run): a forced bulk job
    // that recorded the count skips the entry instead of forcing a run its operator never saw.
    await ctx.storage.update(id, (entry) =>
      entry.deliveryUnknown && entry.status === 'dead'
        ? null
        : { ...mayHaveRun(entry), status: 'dead', replayCount: entry.replayCount + 1 },
    );
    await ctx.storage.setDue(id, 0);
  } catch (error) {
    ctx.notifier.logger.error(`DLQ entry ${id} could not be marked: ${describe(error)}`);
  }
}

/** The entry marked as a call that may already have run: out of automatic redrive. */
function mayHaveRun(entry: FailedOperation): FailedOperation {
  const marked: FailedOperation = { ...entry, deliveryUnknown: true };
  delete marked.nextRedriveAt;
  return marked;
}

function failedAgain(
  entry: FailedOperation,
  outcome: Extract<ReplayOutcome, { ok: false }>,
  nowMs: number,
  redrive: boolean,
): FailedOperation {
  const failed: FailedOperation = {
    ...entry,
    status: 'dead',
    replayCount: entry.replayCount + 1,
    attempts: capAttempts([...entry.attempts, ...(outcome.attempts ?? [])], nowMs),
    error: capUtf8(outcome.errorSummary, DLQ_MESSAGE_MAX_BYTES),
    errorClass: errorClassOf(outcome.errorClass),
    failedAt: new Date(nowMs).toISOString(),
  };
  if (redrive) failed.redriveCount = (entry.redriveCount ?? 0) + 1;
  return outcome.deliveryUnknown ? mayHaveRun(failed) : failed;
}

/** Sets the entry's next redrive (or its exhausted mark); the due-index time to store. */
function scheduleNext(failed: FailedOperation, ctx: ReplayContext): number {
  const next = ctx.plan.nextDueAt(failed, ctx.now());
  delete failed.nextRedriveAt;
  if (next === 'exhausted') {
    failed.redriveExhausted = true;
    return 0;
  }
  if (next > 0) failed.nextRedriveAt = new Date(next).toISOString();
  return next;
}

async function replayOnce(
  replayer: OperationReplayer,
  entry: FailedOperation,
  signal: AbortSignal,
): Promise<ReplayOutcome | ReplayRefused> {
  try {
    return await replayer.replay(structuredClone(entry), signal);
  } catch (error) {
    // Thrown, not returned: admission refused the call, or its client id is not configured
    // here (an entry imported from another instance), so it made no attempt.
    if (isFastMcpShutdownError(error)) return { refused: error, shutdown: true };
    if (isUnknownClientError(error)) return { refused: error, shutdown: false };
    return {
      ok: false,
      error,
      errorSummary: describe(error),
      errorClass: 'unknown',
      attempts: [],
    };
  }
}

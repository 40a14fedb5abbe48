import { randomUUID } from 'node:crypto';
import { FastMcpError } from '../../errors/fastmcp.error.js';
import { isReplayConflictError, ReplayConflictError } from '../../errors/replay-conflict.error.js';
import type { ReplayOptions, ReplayResult } from '../core/dead-letter-queue.interface.js';
import { DLQ_MESSAGE_MAX_BYTES } from '../core/dlq.constants.js';
import { capAttempts, capUtf8 } from '../core/dlq-capping.js';
import { errorClassOf } from '../core/dlq-entry.builder.js';
import { describe, type DlqNotifier } from '../core/dlq-notifier.js';
import type { DlqRedrivePlan } from '../core/dlq-redrive.plan.js';
import { asUnavailable } from '../core/dlq-runtime.js';
import type { DlqStorage } from '../core/dlq-storage.interface.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import type { OperationReplayer, ReplayOutcome } from './operation-replayer.interface.js';

export interface ReplayContext {
  storage: DlqStorage;
  replayer: OperationReplayer;
  notifier: DlqNotifier;
  plan: DlqRedrivePlan;
  leaseMs: number;
  now: () => number;
}

export interface RunReplayOptions extends ReplayOptions {
  /** An automatic redrive: counts `redriveCount`, and may mark `redriveExhausted`. */
  redrive?: boolean;
}

/**
 * Replays one entry under its lease. On success the entry is removed and the result returned; on
 * failure the entry goes back to `dead` with the new attempts (and its next redrive time) and the
 * error is thrown. If the process dies in between, the lease expires and the entry is still there.
 */
export async function runReplay(
  id: string,
  ctx: ReplayContext,
  options: RunReplayOptions = {},
): Promise<ReplayResult> {
  const token = randomUUID();
  let entry: FailedOperation;
  try {
    entry = await ctx.storage.beginReplay(id, token, ctx.leaseMs, ctx.now());
  } catch (error) {
    if (isReplayConflictError(error)) ctx.notifier.replayed(id, 'conflict');
    asUnavailable(error);
  }
  if (entry.deliveryUnknown && !options.force) {
    await ctx.storage
      .finishReplayFailure(id, token, { ...entry, status: 'dead' }, -1)
      .catch(asUnavailable);
    ctx.notifier.replayed(id, 'conflict');
    throw new ReplayConflictError(id, {
      reason:
        `dead-letter entry ${id} may already have run (delivery unknown): ` +
        'replay it with force to run it again',
    });
  }
  const outcome = await replayOnce(ctx.replayer, entry);
  if (outcome.ok) {
    await ctx.storage.remove(id, token).catch((error: unknown) => {
      ctx.notifier.logger.error(
        `DLQ entry ${id} was replayed but could not be removed (it may be replayed again): ${describe(error)}`,
      );
    });
    ctx.notifier.logger.log(`Replayed DLQ entry ${id} (operation: ${entry.operation})`);
    ctx.notifier.replayed(id, 'success');
    return { id, result: outcome.result };
  }
  const failed = failedAgain(entry, outcome, ctx.now(), options.redrive === true);
  const dueAt = scheduleNext(failed, ctx);
  await ctx.storage.finishReplayFailure(id, token, failed, dueAt).catch((error: unknown) => {
    ctx.notifier.logger.error(
      `DLQ entry ${id} failed again but could not be updated (it stays queued): ${describe(error)}`,
    );
  });
  ctx.notifier.logger.warn(
    `Replay of DLQ entry ${id} failed (error: ${failed.error}); replayCount ${failed.replayCount}` +
      (failed.redriveExhausted ? '; automatic redrives exhausted' : ''),
  );
  ctx.notifier.replayed(id, 'failure');
  throw outcome.error instanceof Error
    ? outcome.error
    : new FastMcpError(failed.error, { operation: entry.operation, clientId: entry.clientId });
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
    attempts: capAttempts([...entry.attempts, ...(outcome.attempts ?? [])]),
    error: capUtf8(outcome.errorSummary, DLQ_MESSAGE_MAX_BYTES),
    errorClass: errorClassOf(outcome.errorClass),
    failedAt: new Date(nowMs).toISOString(),
  };
  if (redrive) failed.redriveCount = (entry.redriveCount ?? 0) + 1;
  return failed;
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
): Promise<ReplayOutcome> {
  try {
    return await replayer.replay(structuredClone(entry));
  } catch (error) {
    return {
      ok: false,
      error,
      errorSummary: describe(error),
      errorClass: 'unknown',
      attempts: [],
    };
  }
}

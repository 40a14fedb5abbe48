import { errorClassOf } from './dlq-entry.builder.js';
import { randomUUID } from 'node:crypto';
import { FastMcpError } from '../errors/fastmcp.error.js';
import { isReplayConflictError, ReplayConflictError } from '../errors/replay-conflict.error.js';
import type { ReplayOptions, ReplayResult } from './dead-letter-queue.interface.js';
import { DLQ_MESSAGE_MAX_BYTES } from './dlq.constants.js';
import { capAttempts, capUtf8 } from './dlq-capping.js';
import { describe, type DlqNotifier } from './dlq-notifier.js';
import type { FailedOperation } from './failed-operation.interface.js';
import type { OperationReplayer, ReplayOutcome } from './operation-replayer.interface.js';

/** The lease operations a store offers to the replay runner; each one is atomic. */
export interface DlqLeaseStore {
  /** Takes the lease (NX, expiring) and marks the entry `replaying`. Throws not-found or conflict. */
  beginReplay(id: string, token: string, leaseMs: number): Promise<FailedOperation>;
  /** The replay succeeded: removes the entry and releases the lease. */
  finishReplaySuccess(id: string, token: string): Promise<void>;
  /** The replay failed: writes the entry back as `dead` and releases the lease. */
  finishReplayFailure(id: string, token: string, entry: FailedOperation): Promise<void>;
}

export interface ReplayContext {
  store: DlqLeaseStore;
  replayer: OperationReplayer;
  notifier: DlqNotifier;
  leaseMs: number;
  now: () => number;
}

/**
 * Replays one entry under a lease. On success the entry is removed and the result returned; on
 * failure the entry goes back to `dead` with the new attempts and the error is thrown. If the
 * process dies in between, the lease expires and the entry is still there.
 */
export async function runReplay(
  id: string,
  ctx: ReplayContext,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const token = randomUUID();
  let entry: FailedOperation;
  try {
    entry = await ctx.store.beginReplay(id, token, ctx.leaseMs);
  } catch (error) {
    if (isReplayConflictError(error)) ctx.notifier.replayed(id, 'conflict');
    throw error;
  }
  if (entry.deliveryUnknown && !options.force) {
    await ctx.store.finishReplayFailure(id, token, { ...entry, status: 'dead' });
    ctx.notifier.replayed(id, 'conflict');
    throw new ReplayConflictError(id, {
      reason:
        `dead-letter entry ${id} may already have run (delivery unknown): ` +
        'replay it with force to run it again',
    });
  }
  const outcome = await replayOnce(ctx.replayer, entry);
  if (outcome.ok) {
    await ctx.store.finishReplaySuccess(id, token).catch((error: unknown) => {
      ctx.notifier.logger.error(
        `DLQ entry ${id} was replayed but could not be removed (it may be replayed again): ${describe(error)}`,
      );
    });
    ctx.notifier.logger.log(`Replayed DLQ entry ${id} (operation: ${entry.operation})`);
    ctx.notifier.replayed(id, 'success');
    return { id, result: outcome.result };
  }
  const failed: FailedOperation = {
    ...entry,
    status: 'dead',
    replayCount: entry.replayCount + 1,
    attempts: capAttempts([...entry.attempts, ...(outcome.attempts ?? [])]),
    error: capUtf8(outcome.errorSummary, DLQ_MESSAGE_MAX_BYTES),
    errorClass: errorClassOf(outcome.errorClass),
    failedAt: new Date(ctx.now()).toISOString(),
  };
  await ctx.store.finishReplayFailure(id, token, failed).catch((error: unknown) => {
    ctx.notifier.logger.error(
      `DLQ entry ${id} failed again but could not be updated (it stays queued): ${describe(error)}`,
    );
  });
  ctx.notifier.logger.warn(
    `Replay of DLQ entry ${id} failed (error: ${failed.error}); replayCount ${failed.replayCount}`,
  );
  ctx.notifier.replayed(id, 'failure');
  throw outcome.error instanceof Error
    ? outcome.error
    : new FastMcpError(failed.error, { operation: entry.operation, clientId: entry.clientId });
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

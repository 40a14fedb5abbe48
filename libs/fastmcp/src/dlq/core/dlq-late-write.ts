import { isClusterRefusal } from './cluster-refusal.js';
import { DLQ_TOMBSTONE_MS } from './dlq.constants.js';
import type { FailedOperation } from './failed-operation.interface.js';

/** ioredis's refusal while disconnected without an offline queue: the command was never sent. */
const NOT_SENT = /enableOfflineQueue options is false/;

/**
 * False only when the failure shows the write was never applied: it never left this process, or
 * the cluster refused it before running it. Anything else (a timeout, a connection lost
 * mid-command) may have reached Redis and been applied.
 */
export function writeMayHaveLanded(error: unknown): boolean {
  if (isClusterRefusal(error)) return false;
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (NOT_SENT.test(cause.message)) return false;
  }
  return true;
}

/**
 * The entry as a late write (the buffer's retry, a spill's import) stores it. Writing an id
 * again is harmless while its tombstone lasts: a landed copy, or its removal, is seen and nothing
 * changes. Once a tombstone's life has passed since a write that may have landed, that copy may
 * have been replayed and removed without a trace, and writing the entry would bring it back to be
 * run again: it is written marked `deliveryUnknown` instead (out of automatic redrive; replayed
 * only with `force`).
 */
export function lateWriteOf(
  entry: FailedOperation,
  mayHaveLanded: boolean,
  nowMs: number,
): FailedOperation {
  if (!mayHaveLanded || entry.deliveryUnknown) return entry;
  if (nowMs - Date.parse(entry.failedAt) < DLQ_TOMBSTONE_MS) return entry;
  const marked: FailedOperation = { ...entry, deliveryUnknown: true };
  delete marked.nextRedriveAt;
  return marked;
}

import type { FastMcpEvents } from '../../events/fastmcp-events.service.js';
import { DLQ_LOGGER_CONTEXT } from './dlq.constants.js';
import type { FailedOperation } from './failed-operation.interface.js';
import { InertLogger } from '../../logging/inert-logger.js';

/** Logs and raises the DLQ's events; both stores use it so they log and count alike. */
export class DlqNotifier {
  readonly logger = new InertLogger(DLQ_LOGGER_CONTEXT);

  constructor(private readonly events: FastMcpEvents) {}

  stored(entry: FailedOperation): void {
    this.logger.log(
      `Stored failed operation in DLQ: ${entry.id} (operation: ${entry.operation}, error: ${entry.error})`,
      fieldsOf('dlq.stored', entry),
    );
    this.events.emit('dlq.stored', {
      id: entry.id,
      operation: entry.operation,
      clientId: entry.clientId,
      error: entry.error,
      errorClass: entry.errorClass,
    });
  }

  /** A failure folded into a recent entry of the same failure (dedup). */
  deduplicated(entry: FailedOperation, droppedId: string): void {
    this.logger.log(
      `Failed operation ${droppedId} is a repeat of DLQ entry ${entry.id} (operation: ${entry.operation}, occurrences: ${entry.occurrences ?? 1})`,
      fieldsOf('dlq.deduplicated', entry),
    );
    this.events.emit('dlq.deduplicated', {
      id: entry.id,
      operation: entry.operation,
      clientId: entry.clientId,
      occurrences: entry.occurrences ?? 1,
    });
  }

  buffered(entry: FailedOperation, error: unknown): void {
    this.logger.warn(
      `DLQ store unavailable, buffered entry ${entry.id} for a later write: ${describe(error)}`,
      fieldsOf('dlq.buffered', entry),
    );
    this.storeFailed(entry, error, 'buffered', true);
  }

  /** The last resort: the whole entry goes to the log at ERROR level, and is counted. */
  lostToLog(entry: FailedOperation, reason: string, error: unknown, firstWrite: boolean): void {
    this.logger.error(
      `DLQ entry could not be stored (${reason}: ${describe(error)}); full entry: ${JSON.stringify(entry)}`,
    );
    this.storeFailed(entry, error, 'lost_to_log', firstWrite);
  }

  spilled(ids: readonly string[], path: string): void {
    this.logger.warn(
      `DLQ store unavailable at shutdown: spilled ${ids.length} buffered entries to ${path} ` +
        `for the next start to import (${ids.join(', ')})`,
    );
  }

  keptAtClose(count: number, path: string): void {
    this.logger.warn(
      `DLQ memory store closing: kept its ${count} entries in ${path} for the next start to import`,
    );
  }

  markedLate(entry: FailedOperation): void {
    this.logger.warn(
      `DLQ entry ${entry.id} is written over an hour after a write of it that may have landed: ` +
        'that copy may have been replayed since, so it is marked deliveryUnknown',
    );
  }

  imported(count: number, path: string, buffered: number, kept = 0): void {
    const message =
      `Imported ${count} dead letters from the spill file ${path}` +
      (buffered > 0 ? ` (${buffered} buffered until the store answers)` : '') +
      (kept > 0 ? `; ${kept} left in it for the next start (store down, buffer full)` : '');
    if (kept > 0) this.logger.warn(message);
    else this.logger.log(`${message}; file removed`);
  }

  flushed(count: number): void {
    this.logger.log(`Flushed ${count} buffered DLQ entries to the store`);
    this.events.emit('dlq.flushed', { count });
  }

  evicted(reason: 'ttl' | 'cap', ids: readonly string[], maxEntries: number): void {
    if (ids.length === 0) return;
    if (reason === 'cap') {
      this.logger.warn(
        `DLQ cap of ${maxEntries} entries reached: evicted ${ids.length} oldest (${ids.join(', ')})`,
      );
    } else {
      this.logger.log(`DLQ retention removed ${ids.length} expired entries`);
    }
    this.events.emit('dlq.evicted', { reason, count: ids.length });
  }

  replayed(id: string, result: 'success' | 'failure' | 'conflict'): void {
    this.events.emit('dlq.replayed', { id, result });
  }

  private storeFailed(
    entry: FailedOperation,
    error: unknown,
    outcome: 'buffered' | 'lost_to_log',
    firstWrite: boolean,
  ): void {
    this.events.emit('dlq.store_failed', {
      operation: entry.operation,
      clientId: entry.clientId,
      error: describe(error),
      outcome,
      firstWrite,
    });
  }
}

/** Structured fields of a DLQ log line, for JSON log pipelines (no arguments, no headers). */
function fieldsOf(event: string, entry: FailedOperation): Record<string, unknown> {
  return {
    event,
    id: entry.id,
    clientId: entry.clientId,
    operation: entry.operation,
    errorClass: entry.errorClass,
    attempts: entry.attempts.length,
  };
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

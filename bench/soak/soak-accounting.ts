import type { FailedOperation, FastMcpEvents } from '@app/fastmcp';
import type { SoakMetrics } from './soak-evidence.js';

/** One operation of one caller, from start to outcome. */
export interface OpRecord {
  readonly op: number;
  readonly clientId: string;
  /** `echo` (safe to repeat) or `pay` (not: never re-sent after an ambiguous failure). */
  readonly tool: string;
  /** Sent as the echo text or the pay id (`op-<n>`); the answer must be the same text. */
  readonly callId: string;
  readonly startedAt: number;
  outcome?: 'succeeded' | 'failed';
  /** What the caller saw: from the call to its settlement (the DLQ write included). */
  callerMs?: number;
  /** The operation's own duration, from its succeeded/failed event. */
  runMs?: number;
  /** retry.scheduled events seen for this operation, and the highest retry number among them. */
  retries: number;
  highestRetry: number;
  /** operation.succeeded / operation.failed events seen (1 expected). */
  endEvents: number;
  errorClass?: string;
  /** A success whose text was not the one sent. */
  wrongResult?: boolean;
  /**
   * The caller was told the call may have run: McpDeliveryUnknownError (a retry withheld), or
   * another typed error with `delivery: 'unknown'` (the budget ending while the request was out,
   * a status not retried). Either way its dead letter is marked `deliveryUnknown`.
   */
  deliveryUnknown?: boolean;
  /** The caller got McpDeliveryUnknownError (error class `delivery_unknown`). */
  retryWithheld?: boolean;
}

/** What the run measured besides the operations themselves. */
export interface SoakEvidence {
  dlqEntries: readonly FailedOperation[];
  /** Entries still in the DLQ's write buffer when the wait ended. */
  bufferedAtEnd: number;
  flushWaitMs: number;
  metrics: SoakMetrics;
  heap: { startBytes: number; endBytes: number };
  unhandledRejections: readonly unknown[];
}

export interface SoakCheck {
  ok: boolean;
  name: string;
  detail: string;
}

export interface AccountingLimits {
  maxRetries: number;
  totalTimeoutMs: number;
  budgetSlackMs: number;
  /** Extra time a failed call may take to hand its entry to the DLQ (the store's write timeout). */
  dlqWriteAllowanceMs: number;
  heapGrowthBoundMiB: number;
}

const MIB = 1024 * 1024;

/**
 * Follows every operation of the soak through the caller and the module's events (each caller
 * has its own client id and runs one operation at a time, so the client id names the operation
 * an event belongs to), then checks the totals against the DLQ and the metrics.
 */
export class SoakAccounting {
  readonly records: OpRecord[] = [];
  private readonly current = new Map<string, OpRecord>();
  /** Events of an operation that no caller was running. */
  orphanEvents = 0;
  lostToLog = 0;
  bufferedWrites = 0;
  private nextOp = 0;

  attach(events: FastMcpEvents): () => void {
    const offs = [
      events.on('retry.scheduled', (e) => {
        const record = this.current.get(e.clientId);
        if (!record) return void (this.orphanEvents += 1);
        record.retries += 1;
        record.highestRetry = Math.max(record.highestRetry, e.retry);
      }),
      events.on('operation.succeeded', (e) => this.ended(e.clientId, e.durationMs)),
      events.on('operation.failed', (e) => this.ended(e.clientId, e.durationMs, e.errorClass)),
      events.on('dlq.store_failed', (e) => {
        if (e.outcome === 'lost_to_log') this.lostToLog += 1;
        else this.bufferedWrites += 1;
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /** The operation `clientId`'s caller is running now, if any. */
  currentOf(clientId: string): OpRecord | undefined {
    return this.current.get(clientId);
  }

  begin(clientId: string, tool = 'echo'): OpRecord {
    this.nextOp += 1;
    const record: OpRecord = {
      op: this.nextOp,
      clientId,
      tool,
      callId: opText(this.nextOp),
      startedAt: performance.now(),
      retries: 0,
      highestRetry: 0,
      endEvents: 0,
    };
    this.records.push(record);
    this.current.set(clientId, record);
    return record;
  }

  end(record: OpRecord, outcome: 'succeeded' | 'failed', wrongResult = false): void {
    record.outcome = outcome;
    record.callerMs = performance.now() - record.startedAt;
    record.wrongResult = wrongResult || undefined;
    this.current.delete(record.clientId);
  }

  check(evidence: SoakEvidence, limits: AccountingLimits): SoakCheck[] {
    const checks: SoakCheck[] = [];
    const add = (ok: boolean, name: string, detail: string): void =>
      void checks.push({ ok, name, detail });
    const succeeded = this.records.filter((r) => r.outcome === 'succeeded');
    const failed = this.records.filter((r) => r.outcome === 'failed');
    const started = this.records.length;

    add(
      started === succeeded.length + failed.length,
      'operations started = succeeded + failed',
      `${started} = ${succeeded.length} + ${failed.length}`,
    );
    const badEnds = this.records.filter((r) => r.endEvents !== 1).length;
    add(
      badEnds === 0 && this.orphanEvents === 0,
      'one succeeded/failed event per operation, none outside an operation',
      `${badEnds} operations without exactly one, ${this.orphanEvents} orphan events`,
    );
    const wrong = succeeded.filter((r) => r.wrongResult).length;
    add(wrong === 0, 'every success answered with its own text or id', `${wrong} wrong results`);

    const inDlq = new Map<number, number>();
    let unknown = 0;
    for (const entry of evidence.dlqEntries) {
      const op = opOf(entry);
      if (op === undefined) unknown += 1;
      else inDlq.set(op, (inDlq.get(op) ?? 0) + 1);
    }
    const missing = failed.filter((r) => !inDlq.has(r.op)).length;
    const duplicated = [...inDlq.values()].filter((n) => n > 1).length;
    const failedOps = new Set(failed.map((r) => r.op));
    const extra = [...inDlq.keys()].filter((op) => !failedOps.has(op)).length + unknown;
    add(
      evidence.bufferedAtEnd === 0 && this.lostToLog === 0,
      'DLQ write buffer flushed, nothing lost to the log',
      `${evidence.bufferedAtEnd} still buffered after ${(evidence.flushWaitMs / 1000).toFixed(1)} s, ` +
        `${this.bufferedWrites} writes buffered during the run, ${this.lostToLog} lost to the log`,
    );
    add(
      missing === 0 && duplicated === 0 && extra === 0,
      'every failed operation in the DLQ exactly once',
      `${evidence.dlqEntries.length} entries for ${failed.length} failures: ${missing} missing, ` +
        `${duplicated} duplicated, ${extra} not a failure`,
    );

    const maxRun = Math.max(0, ...this.records.map((r) => r.runMs ?? 0));
    const maxCaller = Math.max(0, ...this.records.map((r) => r.callerMs ?? 0));
    const runLimit = limits.totalTimeoutMs + limits.budgetSlackMs;
    const callerLimit = runLimit + limits.dlqWriteAllowanceMs;
    const overRun = this.records.filter((r) => (r.runMs ?? 0) > runLimit).length;
    const overCaller = this.records.filter((r) => (r.callerMs ?? 0) > callerLimit).length;
    add(
      overRun === 0 && overCaller === 0,
      'no operation ran past its budget',
      `longest operation ${maxRun.toFixed(0)} ms (limit ${runLimit}: totalTimeoutMs + ` +
        `${limits.budgetSlackMs} slack); longest call incl. DLQ write ${maxCaller.toFixed(0)} ms ` +
        `(limit ${callerLimit}); ${overRun + overCaller} over`,
    );
    const maxRetries = Math.max(
      0,
      ...this.records.map((r) => Math.max(r.retries, r.highestRetry)),
      ...evidence.dlqEntries.map((e) => e.retryCount),
    );
    add(
      maxRetries <= limits.maxRetries,
      'retries per operation never exceed maxRetries',
      `at most ${maxRetries} (maxRetries ${limits.maxRetries})`,
    );
    add(
      evidence.unhandledRejections.length === 0,
      'no unhandled rejection',
      evidence.unhandledRejections.length === 0
        ? '0'
        : `${evidence.unhandledRejections.length}: ${String(evidence.unhandledRejections[0])}`,
    );
    const growth = (evidence.heap.endBytes - evidence.heap.startBytes) / MIB;
    add(
      growth <= limits.heapGrowthBoundMiB,
      `heap growth within ${limits.heapGrowthBoundMiB} MiB`,
      `${(evidence.heap.startBytes / MIB).toFixed(1)} -> ${(evidence.heap.endBytes / MIB).toFixed(1)} MiB ` +
        `after GC (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB, the accounting's own records included)`,
    );
    const retries = this.records.reduce((sum, r) => sum + r.retries, 0);
    const m = evidence.metrics;
    add(
      m.success === succeeded.length &&
        m.error === failed.length &&
        m.dlqStored === evidence.dlqEntries.length &&
        m.dlqBuffered === evidence.bufferedAtEnd &&
        m.dlqLostToLog === this.lostToLog &&
        m.retries === retries,
      "metrics' totals agree with the accounting",
      `operations_total success ${m.success}/${succeeded.length}, error ${m.error}/${failed.length}; ` +
        `dlq_operations_total ${m.dlqStored}/${evidence.dlqEntries.length} entries; ` +
        `dlq_buffered_entries ${m.dlqBuffered}/${evidence.bufferedAtEnd}; ` +
        `dlq_lost_to_log_total ${m.dlqLostToLog}/${this.lostToLog}; ` +
        `retry_attempts_total ${m.retries}/${retries} retry events`,
    );
    return checks;
  }

  /** Failures by error class, most frequent first. */
  failureClasses(): Array<[string, number]> {
    const counts = new Map<string, number>();
    for (const r of this.records) {
      if (r.outcome === 'failed')
        counts.set(r.errorClass ?? '?', (counts.get(r.errorClass ?? '?') ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1]);
  }

  private ended(clientId: string, durationMs: number, errorClass?: string): void {
    const record = this.current.get(clientId);
    if (!record) return void (this.orphanEvents += 1);
    record.endEvents += 1;
    record.runMs = durationMs;
    record.errorClass = errorClass;
  }
}

/** The operation number a soak entry carries in its echo text or pay id (`op-<n>`). */
export function opText(op: number): string {
  return `op-${op}`;
}

export function opOf(entry: FailedOperation): number | undefined {
  const text = entry.arguments?.text ?? entry.arguments?.id;
  const match = typeof text === 'string' ? /^op-(\d+)$/.exec(text) : null;
  return match ? Number(match[1]) : undefined;
}

import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { configuredSecrets } from '../../auth/configured-secrets.js';
import { DlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { FastMcpEvents } from '../../events/fastmcp-events.service.js';
import type { OperationName } from '../../events/operation-name.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../../options/fastmcp-options.constants.js';
import type {
  ResolvedDlqOptions,
  ResolvedFastMcpOptions,
} from '../../options/fastmcp-options.interface.js';
import { FASTMCP_CLOCK } from '../../retry/clock.js';
import type { DlqStats, Page, PageRequest } from './dead-letter-queue.interface.js';
import { DLQ_SWEEP_INTERVAL_MS, DLQ_WRITE_TIMEOUT_MS } from './dlq.constants.js';
import { decodeCursor } from './dlq-cursor.js';
import { DlqEntryBuilder } from './dlq-entry.builder.js';
import { DlqEntryWriter } from './dlq-entry.writer.js';
import {
  assertClientId,
  assertDlqId,
  assertErrorClass,
  assertOlderThan,
  assertOperation,
  assertPriority,
  pageLimit,
} from './dlq-input.validation.js';
import { describe, DlqNotifier } from './dlq-notifier.js';
import { DlqPageReader } from './dlq-page.reader.js';
import { asUnavailable, type DlqClock, systemDlqClock, withTimeout } from './dlq-runtime.js';
import { DlqShutdownSpill } from './dlq-shutdown-spill.js';
import type { DlqIndex, DlqStorage } from './dlq-storage.interface.js';
import { DLQ_STORAGE } from './dlq-storage.token.js';
import { DlqWriteBuffer } from './dlq-write-buffer.js';
import type {
  DlqPriority,
  FailedOperation,
  FailedOperationInput,
} from './failed-operation.interface.js';
import { DlqRedrivePlan } from './dlq-redrive.plan.js';

/**
 * The dead-letter queue: the one service to inject, whatever the store (`dlq.store`). It owns
 * the rules (validation, redaction, paging and cursors, dedup, retention, the write buffer and
 * the shutdown spill, events) over a narrow `DlqStorage`. A store never fails because Redis is
 * down: entries are buffered, retried with backoff, spilled at shutdown, logged as last resort.
 * With `dlq: false` it still resolves, and every call but `store` throws DlqUnavailableError.
 */
@Injectable()
export class DeadLetterQueueService
  implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly notifier: DlqNotifier;
  readonly clock: DlqClock;
  private readonly parts: ActiveParts | null;
  private timer: NodeJS.Timeout | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) options: ResolvedFastMcpOptions,
    @Inject(FastMcpEvents) events: FastMcpEvents,
    @Optional() @Inject(DLQ_STORAGE) storage: DlqStorage | null = null,
    @Optional() @Inject(FASTMCP_CLOCK) clock?: DlqClock,
  ) {
    this.notifier = new DlqNotifier(events);
    this.clock = clock ?? systemDlqClock;
    this.parts = options.dlq === false || !storage ? null : this.assemble(options, storage);
  }

  /** False with `dlq: false`. */
  get enabled(): boolean {
    return this.parts !== null;
  }

  /** Which store holds the entries, or null with `dlq: false`. */
  get storeKind(): 'redis' | 'memory' | null {
    return this.parts?.options.store ?? null;
  }

  async onModuleInit(): Promise<void> {
    if (!this.parts) return;
    await this.parts.storage.open();
    await this.parts.spill.importFile();
    this.timer = setInterval(() => void this.sweepQuietly(), DLQ_SWEEP_INTERVAL_MS).unref();
  }

  /**
   * Stores a failed operation (never throws because the store is down: it is then buffered).
   * Returns the entry, or the recent entry of the same failure it was folded into (dedup).
   */
  async store(input: FailedOperationInput): Promise<FailedOperation> {
    const { builder, buffer } = this.active();
    const entry = builder.build(input, this.clock.now());
    try {
      const stored = await this.write(entry);
      buffer.kick();
      return stored;
    } catch (error) {
      if (buffer.push(entry, error)) this.notifier.buffered(entry, error);
      return entry;
    }
  }

  async get(id: string): Promise<FailedOperation | null> {
    assertDlqId(id);
    return this.guard((storage) => this.reader(storage).get(id));
  }

  async delete(id: string): Promise<boolean> {
    assertDlqId(id);
    return this.guard((storage) => storage.remove(id));
  }

  async list(page: PageRequest = {}): Promise<Page<FailedOperation>> {
    return this.page({ by: 'all' }, page);
  }

  async getByOperation(
    operation: OperationName,
    page: PageRequest = {},
  ): Promise<Page<FailedOperation>> {
    assertOperation(operation);
    return this.page({ by: 'operation', value: operation }, page);
  }

  async getByClientId(clientId: string, page: PageRequest = {}): Promise<Page<FailedOperation>> {
    assertClientId(clientId);
    return this.page({ by: 'clientId', value: clientId }, page);
  }

  /** Entries whose last failure has this class (`http_503`, `timeout`, ...), newest first. */
  async getByErrorClass(
    errorClass: string,
    page: PageRequest = {},
  ): Promise<Page<FailedOperation>> {
    assertErrorClass(errorClass);
    return this.page({ by: 'errorClass', value: errorClass }, page);
  }

  async getByPriority(
    priority: DlqPriority,
    page: PageRequest = {},
  ): Promise<Page<FailedOperation>> {
    assertPriority(priority);
    return this.page({ by: 'priority', value: priority }, page);
  }

  /** Removes entries created more than `olderThanMs` ago; returns how many. */
  async cleanup(olderThanMs: number): Promise<number> {
    assertOlderThan(olderThanMs);
    const before = this.clock.now() - olderThanMs;
    return this.guard((storage) => storage.sweep('before', before, () => undefined));
  }

  async getStats(): Promise<DlqStats> {
    return this.guard(async (storage) => {
      await this.sweepExpired();
      return storage.stats(this.clock.now());
    });
  }

  /** Removes every expired entry (and any beyond the cap). Runs on a timer and after stores. */
  async sweepExpired(): Promise<number> {
    const { writer } = this.active();
    return writer.trim().catch(asUnavailable);
  }

  /** Entries waiting in the in-process buffer for the store to come back. */
  get bufferedCount(): number {
    return this.parts?.buffer.size ?? 0;
  }

  /** Tries the buffered entries now (they are also retried in the background). */
  flushBuffer(): Promise<void> {
    return this.parts?.buffer.flush() ?? Promise.resolve();
  }

  /** The storage, for the replay service and the exporter (throws with `dlq: false`). */
  activeStorage(): DlqStorage {
    return this.active().storage;
  }

  /** An index read with a page request validated, for services built on this one. */
  async page(
    index: DlqIndex,
    request: PageRequest,
    keep?: (entry: FailedOperation) => boolean,
  ): Promise<Page<FailedOperation>> {
    const limit = pageLimit(request.limit);
    const cursor = decodeCursor(request.cursor);
    return this.guard((storage) => this.reader(storage).page(index, limit, cursor, keep));
  }

  /** Writes an entry as is (ids kept): the spill import and `import`. */
  async write(entry: FailedOperation): Promise<FailedOperation> {
    const { writer } = this.active();
    return withTimeout(writer.write(entry), DLQ_WRITE_TIMEOUT_MS);
  }

  /** The first step of shutdown, before in-flight calls drain: the buffer is spilled at once. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.parts?.spill.spill();
  }

  /** Spills (or logs) the buffer and closes the store's connection. Idempotent. */
  onApplicationShutdown(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    if (!this.parts) return;
    await this.parts.spill.spill();
    await this.parts.buffer.close();
    await this.parts.storage.close();
  }

  private reader(storage: DlqStorage): DlqPageReader {
    return new DlqPageReader(storage, () => this.clock.now());
  }

  private async sweepQuietly(): Promise<void> {
    await this.sweepExpired().catch((error: unknown) => {
      this.notifier.logger.warn(`DLQ retention sweep failed: ${describe(error)}`);
    });
  }

  private active(): ActiveParts {
    if (!this.parts) throw new DlqUnavailableError('the dead-letter queue is off (dlq: false)');
    return this.parts;
  }

  private assemble(options: ResolvedFastMcpOptions, storage: DlqStorage): ActiveParts {
    const dlq = options.dlq as Readonly<ResolvedDlqOptions>;
    const plan = new DlqRedrivePlan(dlq.redrive);
    const writer = new DlqEntryWriter(
      storage,
      {
        maxEntries: dlq.maxEntries,
        dedupWindowMs: dlq.dedupWindowMs,
        now: () => this.clock.now(),
        dueAt: (entry) => plan.firstDueAt(entry, this.clock.now()),
      },
      this.notifier,
    );
    const buffer = new DlqWriteBuffer(dlq.bufferSize, {
      write: (entry) => this.write(entry).then(() => undefined),
      flushed: (count) => this.notifier.flushed(count),
      lost: (entry, reason, error, first) => this.notifier.lostToLog(entry, reason, error, first),
    });
    const spill = new DlqShutdownSpill(dlq.spillFile, buffer, this.notifier, (entry) =>
      this.write(entry),
    );
    const builder = new DlqEntryBuilder(dlq, configuredSecrets(options));
    return { options: dlq, storage, builder, writer, buffer, spill };
  }

  private async guard<T>(run: (storage: DlqStorage) => Promise<T>): Promise<T> {
    return run(this.active().storage).catch(asUnavailable);
  }
}

interface ActiveParts {
  options: Readonly<ResolvedDlqOptions>;
  storage: DlqStorage;
  builder: DlqEntryBuilder;
  writer: DlqEntryWriter;
  buffer: DlqWriteBuffer;
  spill: DlqShutdownSpill;
}

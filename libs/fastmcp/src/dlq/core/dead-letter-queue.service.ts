import type { DlqWriteSource } from './dlq-entry.writer.js';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { DlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { FastMcpEvents } from '../../events/fastmcp-events.service.js';
import type { DlqOperationName } from '../../events/operation-name.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../../options/fastmcp-options.interface.js';
import { FASTMCP_CLOCK } from '../../retry/clock.js';
import type {
  DlqImportResult,
  DlqStats,
  Page,
  PageRequest,
} from './dead-letter-queue.interface.js';
import { DLQ_SWEEP_INTERVAL_MS, DLQ_WRITE_TIMEOUT_MS } from './dlq.constants.js';
import { decodeCursor, type DlqCursor } from './dlq-cursor.js';
import type { DlqWriteResult } from './dlq-entry.writer.js';
import { ageWindow } from './dlq-age-window.js';
import { assertAges, assertFilter, type DlqFilter, indexFor, matcher } from './dlq-filter.js';
import { importEntries } from './dlq-import.js';
import {
  assertTimelineRequest,
  type DlqTimeline,
  type DlqTimelineRequest,
  readTimeline,
} from './dlq-timeline.js';
import { assembleDlq, type DlqParts } from './dlq-parts.js';
import { pageByPriority } from './dlq-priority-page.js';
import {
  assertClientId,
  assertDlqId,
  assertErrorClass,
  assertOlderThan,
  assertOperation,
  assertOptionsObject,
  assertPriority,
  pageLimit,
} from './dlq-input.validation.js';
import { describe, DlqNotifier } from './dlq-notifier.js';
import { DlqPageReader } from './dlq-page.reader.js';
import type { DlqShutdownSpill } from './dlq-shutdown-spill.js';
import { asUnavailable, type DlqClock, systemDlqClock, withTimeout } from './dlq-runtime.js';
import type { DlqIndex, DlqStorage } from './dlq-storage.interface.js';
import { DLQ_STORAGE } from './dlq-storage.token.js';
import type {
  DlqPriority,
  FailedOperation,
  FailedOperationInput,
} from './failed-operation.interface.js';

/**
 * The dead-letter queue: the one service to inject, whatever the store (`dlq.store`). It owns
 * the rules (validation, redaction, paging and cursors, dedup, retention, the write buffer and
 * the shutdown spill, events) over a narrow `DlqStorage`. A store never fails because Redis is
 * down: entries are buffered, retried with backoff, spilled at shutdown, logged as last resort.
 * With `dlq: false` it still resolves (`enabled` is false) and every call throws
 * DlqUnavailableError.
 */
@Injectable()
export class DeadLetterQueueService
  implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly notifier: DlqNotifier;
  readonly clock: DlqClock;
  private readonly parts: DlqParts | null;
  private timer: NodeJS.Timeout | undefined;
  private closed: Promise<void> | undefined;
  /** Stores under way (each settles within the write timeout, and never rejects). */
  private readonly storing = new Set<Promise<FailedOperation>>();

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) options: ResolvedFastMcpOptions,
    @Inject(FastMcpEvents) events: FastMcpEvents,
    @Optional() @Inject(DLQ_STORAGE) storage: DlqStorage | null = null,
    @Optional() @Inject(FASTMCP_CLOCK) clock?: DlqClock,
  ) {
    this.notifier = new DlqNotifier(events);
    this.clock = clock ?? systemDlqClock;
    this.parts =
      options.dlq === false || !storage
        ? null
        : assembleDlq(options, options.dlq, storage, this.notifier, this.clock, (entry, source) =>
            this.write(entry, source),
          );
  }

  /** False with `dlq: false`. */
  get enabled(): boolean {
    return this.parts !== null;
  }

  /** Which store holds the entries, or null with `dlq: false`. */
  get storeKind(): 'redis' | 'memory' | null {
    return this.parts?.options.store ?? null;
  }

  /** True once shutdown has begun closing the store. */
  get closing(): boolean {
    return this.closed !== undefined;
  }

  async onModuleInit(): Promise<void> {
    if (!this.parts) return;
    // Before the store opens: the Redis store spills its buffer at shutdown, the memory store
    // every entry it holds, so a file that cannot be written would send them to the log.
    this.parts.spill.assertUsable();
    await this.parts.storage.open();
    await this.parts.spill.importFile();
    this.timer = setInterval(() => void this.sweepQuietly(), DLQ_SWEEP_INTERVAL_MS).unref();
  }

  /**
   * Stores a failed operation (never throws because the store is down: it is then buffered).
   * Returns the entry, or the recent entry of the same failure it was folded into (dedup).
   */
  async store(input: FailedOperationInput): Promise<FailedOperation> {
    const { builder } = this.active();
    const storing = this.storeBuilt(builder.build(input, this.clock.now()));
    this.storing.add(storing);
    try {
      return await storing;
    } finally {
      this.storing.delete(storing);
    }
  }

  private async storeBuilt(entry: FailedOperation): Promise<FailedOperation> {
    const { buffer } = this.active();
    try {
      const written = await this.write(entry);
      buffer.kick();
      return written.entry;
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
    operation: DlqOperationName,
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
    const now = this.clock.now();
    return this.guard((storage) =>
      storage.sweep('before', now - olderThanMs, now, () => undefined),
    );
  }

  async getStats(): Promise<DlqStats> {
    return this.guard(async (storage) => {
      await this.sweepExpired();
      return storage.stats(this.clock.now());
    });
  }

  /**
   * Dead letters per time bucket by error class (the classes with the most entries apart, the
   * rest together), by creation time: a chart's data without reading the entries.
   */
  async timeline(request: DlqTimelineRequest): Promise<DlqTimeline> {
    const checked = assertTimelineRequest(request);
    return this.guard(async (storage) => {
      await this.sweepExpired();
      const now = this.clock.now();
      return readTimeline(storage, await storage.stats(now), checked, now);
    });
  }

  /** Removes every expired entry (and any beyond the cap). Runs on a timer, and before stats and timelines. */
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
    assertOptionsObject('page', request);
    assertAges(request);
    const limit = pageLimit(request.limit);
    const cursor = decodeCursor(request.cursor);
    const window = ageWindow(request, this.clock.now());
    return this.guard((storage) => this.reader(storage).page(index, limit, cursor, keep, window));
  }

  /** Entries sorted by priority (high, normal, low), newest first within each. */
  async listByPriority(page: PageRequest = {}): Promise<Page<FailedOperation>> {
    assertOptionsObject('page', page);
    assertAges(page);
    const limit = pageLimit(page.limit);
    const window = ageWindow(page, this.clock.now());
    return this.guard((storage) =>
      pageByPriority(
        (index, want, cursor) => this.reader(storage).page(index, want, cursor, undefined, window),
        limit,
        page.cursor,
      ),
    );
  }

  /** Every entry the filter takes, newest first, page by page (secrets were redacted at store). */
  async *export(filter: DlqFilter = {}): AsyncGenerator<FailedOperation> {
    assertFilter(filter);
    const nowMs = this.clock.now();
    const keep = matcher(filter, nowMs);
    // One window for the whole export, so a slow export's pages agree on the age bounds.
    const window = ageWindow(filter, nowMs);
    const index = indexFor(filter);
    let cursor: DlqCursor | undefined;
    for (;;) {
      const page = await this.guard((storage) =>
        this.reader(storage).page(index, 500, cursor, keep, window),
      );
      yield* page.items;
      if (!page.nextCursor) return;
      cursor = decodeCursor(page.nextCursor);
    }
  }

  /**
   * Takes exported entries back: ids kept, entries whose id is already stored (or was lately
   * deleted) skipped, each rebuilt so redaction and caps apply. Lines that are not entries are
   * counted as invalid with their reason.
   */
  async import(entries: Iterable<unknown> | AsyncIterable<unknown>): Promise<DlqImportResult> {
    const { builder, writer } = this.active();
    return importEntries(entries, builder, writer, () => this.clock.now());
  }

  /** Writes an entry as is (its id kept), with the write timeout: the buffer and the spill. */
  private async write(entry: FailedOperation, source?: DlqWriteSource): Promise<DlqWriteResult> {
    const { writer } = this.active();
    return withTimeout(
      writer.write(entry, source),
      DLQ_WRITE_TIMEOUT_MS,
      () => new DlqUnavailableError(`write timed out after ${DLQ_WRITE_TIMEOUT_MS}ms`),
    );
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
    // Stores already under way finish first (each within the write timeout): written, or
    // buffered and then spilled, rather than sent after the connection closed.
    await Promise.all(this.storing);
    await this.parts.spill.spill();
    await this.parts.buffer.close();
    // Closed first: a store that comes later is refused and logged, not kept in memory unread.
    await this.parts.storage.close();
    if (this.parts.options.store === 'memory') await this.keepMemoryEntries(this.parts.spill);
  }

  /** Memory dies with the process: its entries go to the spill file (or the log). */
  private async keepMemoryEntries(spill: DlqShutdownSpill): Promise<void> {
    const entries: FailedOperation[] = [];
    for await (const entry of this.export()) entries.push(entry);
    spill.keepMemoryEntries(entries.reverse());
  }

  private reader(storage: DlqStorage): DlqPageReader {
    return new DlqPageReader(storage, () => this.clock.now());
  }

  private async sweepQuietly(): Promise<void> {
    await this.sweepExpired().catch((error: unknown) => {
      this.notifier.logger.warn(`DLQ retention sweep failed: ${describe(error)}`);
    });
  }

  private active(): DlqParts {
    if (!this.parts) throw new DlqUnavailableError('the dead-letter queue is off (dlq: false)');
    return this.parts;
  }

  private async guard<T>(run: (storage: DlqStorage) => Promise<T>): Promise<T> {
    return run(this.active().storage).catch(asUnavailable);
  }
}

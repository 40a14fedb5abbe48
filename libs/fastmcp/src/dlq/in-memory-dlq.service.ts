import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DlqEntryNotFoundError } from '../errors/dlq-entry-not-found.error.js';
import { ReplayConflictError } from '../errors/replay-conflict.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { OperationName } from '../events/operation-name.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type {
  ResolvedDlqOptions,
  ResolvedFastMcpOptions,
} from '../options/fastmcp-options.interface.js';
import { FASTMCP_CLOCK } from '../retry/clock.js';
import type {
  DeadLetterQueue,
  DlqStats,
  Page,
  PageRequest,
  ReplayOptions,
  ReplayResult,
} from './dead-letter-queue.interface.js';
import { DLQ_SWEEP_BATCH, DLQ_SWEEP_INTERVAL_MS } from './dlq.constants.js';
import { decodeCursor, encodeCursor } from './dlq-cursor.js';
import { DlqEntryBuilder } from './dlq-entry.builder.js';
import { configuredSecrets } from '../auth/configured-secrets.js';
import { dlqIdTime } from './dlq-id.js';
import {
  assertClientId,
  assertDlqId,
  assertErrorClass,
  assertOlderThan,
  assertOperation,
  pageLimit,
} from './dlq-input.validation.js';
import { DlqNotifier } from './dlq-notifier.js';
import { type DlqLeaseStore, runReplay } from './dlq-replay.runner.js';
import {
  type DlqClock,
  dlqOptionsOf,
  isExpired,
  resolveReplayer,
  settle,
  systemDlqClock,
  withLiveStatus,
} from './dlq-runtime.js';
import type { FailedOperation, FailedOperationInput } from './failed-operation.interface.js';
import { DlqSpillFile } from './dlq-spill-file.js';
import { InMemoryDlqState } from './in-memory-dlq.state.js';

/**
 * The dead-letter queue kept in process memory, for development and apps without Redis. Same
 * semantics as `RedisDlqService`: TTL, cap, keyset paging, stats and the replay lease.
 */
@Injectable()
export class InMemoryDlqService
  implements DeadLetterQueue, DlqLeaseStore, OnModuleInit, OnApplicationShutdown
{
  private readonly options: Readonly<ResolvedDlqOptions>;
  private readonly state = new InMemoryDlqState();
  private readonly builder: DlqEntryBuilder;
  private readonly notifier: DlqNotifier;
  private readonly clock: DlqClock;
  private readonly timer: NodeJS.Timeout;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) options: ResolvedFastMcpOptions,
    @Inject(FastMcpEvents) events: FastMcpEvents,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Optional() @Inject(FASTMCP_CLOCK) clock?: DlqClock,
  ) {
    this.options = dlqOptionsOf(options);
    this.builder = new DlqEntryBuilder(this.options, configuredSecrets(options));
    this.notifier = new DlqNotifier(events);
    this.clock = clock ?? systemDlqClock;
    this.timer = setInterval(() => this.sweepExpired(), DLQ_SWEEP_INTERVAL_MS).unref();
  }

  /** Takes in what an earlier run spilled (see `dlq.spillFile`), then removes the file. */
  onModuleInit(): void {
    if (!this.options.spillFile) return;
    const file = new DlqSpillFile(this.options.spillFile);
    const entries = file.read();
    if (entries.length === 0) return;
    for (const entry of entries) {
      this.state.put(entry);
      this.notifier.stored(entry);
    }
    file.remove();
    this.notifier.imported(entries.length, file.path, 0);
  }

  store(input: FailedOperationInput): Promise<FailedOperation> {
    return settle(() => this.storeNow(input));
  }

  get(id: string): Promise<FailedOperation | null> {
    return settle(() => {
      assertDlqId(id);
      return this.read(id) ?? null;
    });
  }

  delete(id: string): Promise<boolean> {
    return settle(() => {
      assertDlqId(id);
      return this.state.remove(id);
    });
  }

  list(page: PageRequest = {}): Promise<Page<FailedOperation>> {
    return settle(() => this.page(page, () => true));
  }

  getByOperation(operation: OperationName, page: PageRequest = {}): Promise<Page<FailedOperation>> {
    return settle(() => {
      assertOperation(operation);
      return this.page(page, (e) => e.operation === operation);
    });
  }

  getByClientId(clientId: string, page: PageRequest = {}): Promise<Page<FailedOperation>> {
    return settle(() => {
      assertClientId(clientId);
      return this.page(page, (e) => e.clientId === clientId);
    });
  }
  getByErrorClass(errorClass: string, page: PageRequest = {}): Promise<Page<FailedOperation>> {
    return settle(() => {
      assertErrorClass(errorClass);
      return this.page(page, (e) => e.errorClass === errorClass);
    });
  }

  cleanup(olderThanMs: number): Promise<number> {
    return settle(() => {
      assertOlderThan(olderThanMs);
      const before = this.clock.now() - olderThanMs;
      return this.state.removeOldest(Number.MAX_SAFE_INTEGER, (e) => dlqIdTime(e.id) < before)
        .length;
    });
  }

  getStats(): Promise<DlqStats> {
    return settle(() => {
      this.sweepExpired();
      return this.state.stats(this.clock.now());
    });
  }

  replay(id: string, options: ReplayOptions = {}): Promise<ReplayResult> {
    return settle(() => {
      assertDlqId(id);
      return runReplay(
        id,
        {
          store: this,
          replayer: resolveReplayer(this.moduleRef),
          notifier: this.notifier,
          leaseMs: this.options.replayLeaseMs,
          now: () => this.clock.now(),
        },
        options,
      );
    });
  }

  private storeNow(input: FailedOperationInput): FailedOperation {
    const entry = this.builder.build(input, this.clock.now());
    this.sweepExpired();
    this.state.put(entry);
    this.notifier.stored(entry);
    const excess = this.state.size - this.options.maxEntries;
    if (excess > 0) {
      const evicted = this.state.removeOldest(Math.min(excess, DLQ_SWEEP_BATCH), () => true);
      this.notifier.evicted('cap', evicted, this.options.maxEntries);
    }
    return entry;
  }

  /** Removes every expired entry; runs on each store, on stats and on a timer. */
  sweepExpired(): number {
    const now = this.clock.now();
    const removed = this.state.removeOldest(Number.MAX_SAFE_INTEGER, (e) => isExpired(e, now));
    this.notifier.evicted('ttl', removed, this.options.maxEntries);
    return removed.length;
  }

  beginReplay(id: string, token: string, leaseMs: number): Promise<FailedOperation> {
    const entry = this.read(id);
    if (!entry) return Promise.reject(new DlqEntryNotFoundError(id));
    if (this.leaseLive(id)) return Promise.reject(new ReplayConflictError(id));
    const now = this.clock.now();
    const replaying: FailedOperation = { ...entry, status: 'replaying' };
    this.state.setLease(id, { token, until: now + leaseMs });
    this.state.put(replaying, true);
    return Promise.resolve(replaying);
  }

  finishReplaySuccess(id: string, token: string): Promise<void> {
    this.state.remove(id);
    if (this.state.lease(id)?.token === token) this.state.setLease(id, undefined);
    return Promise.resolve();
  }

  finishReplayFailure(id: string, token: string, entry: FailedOperation): Promise<void> {
    const ours = this.state.lease(id)?.token === token;
    if (ours || !this.leaseLive(id)) this.state.put(entry, true);
    if (ours) this.state.setLease(id, undefined);
    return Promise.resolve();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private read(id: string): FailedOperation | undefined {
    const entry = this.state.get(id);
    if (!entry || isExpired(entry, this.clock.now())) return undefined;
    return withLiveStatus(entry, this.leaseLive(id));
  }

  private leaseLive(id: string): boolean {
    const lease = this.state.lease(id);
    if (lease && lease.until <= this.clock.now()) this.state.setLease(id, undefined);
    return lease !== undefined && lease.until > this.clock.now();
  }

  private page(
    request: PageRequest,
    filter: (entry: FailedOperation) => boolean,
  ): Page<FailedOperation> {
    const limit = pageLimit(request.limit);
    const cursor = decodeCursor(request.cursor);
    const now = this.clock.now();
    const items: FailedOperation[] = [];
    for (const entry of this.state.newestFirst(cursor)) {
      if (!filter(entry) || isExpired(entry, now)) continue;
      if (items.length === limit) {
        const last = items[items.length - 1];
        return { items, nextCursor: encodeCursor({ score: dlqIdTime(last.id), id: last.id }) };
      }
      items.push(withLiveStatus(entry, this.leaseLive(entry.id)));
    }
    return { items };
  }
}

import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
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
import { DLQ_SWEEP_INTERVAL_MS, DLQ_WRITE_TIMEOUT_MS } from './dlq.constants.js';
import { decodeCursor } from './dlq-cursor.js';
import { DlqCorruptEntries } from './dlq-corrupt-entries.js';
import { DlqEntryBuilder } from './dlq-entry.builder.js';
import { configuredSecrets } from '../auth/configured-secrets.js';
import {
  assertClientId,
  assertDlqId,
  assertErrorClass,
  assertOlderThan,
  assertOperation,
  pageLimit,
} from './dlq-input.validation.js';
import { describe, DlqNotifier } from './dlq-notifier.js';
import { type DlqLeaseStore, runReplay } from './dlq-replay.runner.js';
import {
  asUnavailable,
  type DlqClock,
  dlqOptionsOf,
  resolveReplayer,
  systemDlqClock,
  withTimeout,
} from './dlq-runtime.js';
import { DlqSpillFile } from './dlq-spill-file.js';
import { DlqWriteBuffer } from './dlq-write-buffer.js';
import type { FailedOperation, FailedOperationInput } from './failed-operation.interface.js';
import { DlqRedisHandle, waitUntilReady } from './redis/redis-dlq.connection.js';
import { RedisDlqKeys } from './redis/redis-dlq.keys.js';
import { readStats } from './redis/redis-dlq.index-reads.js';
import { RedisDlqReader } from './redis-dlq.reader.js';
import { RedisDlqRepository } from './redis/redis-dlq.repository.js';

/**
 * The dead-letter queue in Redis. Every mutation is one Lua script; retention is driven by a
 * sorted set of expiry times; a store never fails because Redis is down (entries are buffered,
 * retried with backoff, and logged in full as the last resort).
 */
@Injectable()
export class RedisDlqService
  implements
    DeadLetterQueue,
    DlqLeaseStore,
    OnModuleInit,
    BeforeApplicationShutdown,
    OnApplicationShutdown
{
  private readonly options: Readonly<ResolvedDlqOptions>;
  private readonly keys: RedisDlqKeys;
  private readonly builder: DlqEntryBuilder;
  private readonly notifier: DlqNotifier;
  private readonly clock: DlqClock;
  private readonly buffer: DlqWriteBuffer;
  private readonly handle: DlqRedisHandle;
  private readonly corrupt: DlqCorruptEntries;
  private readonly spillFile: DlqSpillFile | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) options: ResolvedFastMcpOptions,
    @Inject(FastMcpEvents) events: FastMcpEvents,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Optional() @Inject(FASTMCP_CLOCK) clock?: DlqClock,
  ) {
    this.options = dlqOptionsOf(options);
    this.keys = new RedisDlqKeys(this.options.keyPrefix);
    this.builder = new DlqEntryBuilder(this.options, configuredSecrets(options));
    this.notifier = new DlqNotifier(events);
    this.corrupt = new DlqCorruptEntries(events);
    this.clock = clock ?? systemDlqClock;
    this.spillFile = this.options.spillFile ? new DlqSpillFile(this.options.spillFile) : undefined;
    this.handle = new DlqRedisHandle(this.options.redis, moduleRef, (error) =>
      this.notifier.logger.warn(`DLQ Redis connection error: ${error.message}`),
    );
    this.buffer = new DlqWriteBuffer(this.options.bufferSize, {
      write: (entry) => this.write(entry),
      flushed: (count) => this.notifier.flushed(count),
      lost: (entry, reason, error, firstWrite) =>
        this.notifier.lostToLog(entry, reason, error, firstWrite),
    });
  }

  async onModuleInit(): Promise<void> {
    const { redis, owned } = await this.handle.connect();
    if (owned) await waitUntilReady(redis, 2000);
    await this.importSpill();
    this.timer = setInterval(() => void this.sweepQuietly(), DLQ_SWEEP_INTERVAL_MS).unref();
  }

  /** Never throws because Redis is down: the entry is then buffered and written later. */
  async store(input: FailedOperationInput): Promise<FailedOperation> {
    const entry = this.builder.build(input, this.clock.now());
    try {
      await this.write(entry);
      this.buffer.kick();
    } catch (error) {
      if (this.buffer.push(entry, error)) this.notifier.buffered(entry, error);
    }
    return entry;
  }

  async get(id: string): Promise<FailedOperation | null> {
    assertDlqId(id);
    return await this.guard(() => this.reader().get(id));
  }

  async delete(id: string): Promise<boolean> {
    assertDlqId(id);
    return await this.guard(async () => (await this.repository()).remove(id));
  }

  async list(page: PageRequest = {}): Promise<Page<FailedOperation>> {
    return await this.page(this.keys.all, page);
  }

  async getByOperation(
    operation: OperationName,
    page: PageRequest = {},
  ): Promise<Page<FailedOperation>> {
    assertOperation(operation);
    return await this.page(this.keys.byOperation(operation), page);
  }

  async getByClientId(clientId: string, page: PageRequest = {}): Promise<Page<FailedOperation>> {
    assertClientId(clientId);
    return await this.page(this.keys.byClient(clientId), page);
  }

  async getByErrorClass(
    errorClass: string,
    page: PageRequest = {},
  ): Promise<Page<FailedOperation>> {
    assertErrorClass(errorClass);
    return await this.page(this.keys.byErrorClass(errorClass), page);
  }

  async cleanup(olderThanMs: number): Promise<number> {
    assertOlderThan(olderThanMs);
    const before = this.clock.now() - olderThanMs;
    return await this.guard(async () => (await this.repository()).cleanup(before));
  }

  getStats(): Promise<DlqStats> {
    return this.guard(async () => {
      await this.sweepExpired();
      const repository = await this.repository();
      return readStats(repository.redis, this.keys, this.clock.now());
    });
  }

  async replay(id: string, options: ReplayOptions = {}): Promise<ReplayResult> {
    assertDlqId(id);
    return await runReplay(
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
  }

  /** Removes every expired entry, in bounded atomic batches. Runs on a timer and on each store. */
  async sweepExpired(): Promise<number> {
    const repository = await this.repository();
    return repository.sweepExpired(this.clock.now(), (ids) =>
      this.notifier.evicted('ttl', ids, this.options.maxEntries),
    );
  }

  /** Entries waiting in the in-process buffer for Redis to come back. */
  get bufferedCount(): number {
    return this.buffer.size;
  }

  /** Tries the buffered entries now (they are also retried in the background). */
  flushBuffer(): Promise<void> {
    return this.buffer.flush();
  }

  beginReplay(id: string, token: string, leaseMs: number): Promise<FailedOperation> {
    return this.guard(async () => (await this.repository()).beginReplay(id, token, leaseMs));
  }

  async finishReplaySuccess(id: string, token: string): Promise<void> {
    await (await this.repository()).remove(id, token);
  }

  async finishReplayFailure(id: string, token: string, entry: FailedOperation): Promise<void> {
    const reply = await (await this.repository()).finishReplayFailure(id, token, entry);
    if (reply !== 'ok') {
      this.notifier.logger.warn(`Replay result of DLQ entry ${id} not written back: ${reply}`);
    }
  }

  /**
   * The first step of shutdown, before in-flight calls drain: the buffer goes to Redis if it is
   * back, else to the spill file, at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.spill();
  }

  /** Spills (or logs) the buffer, and closes the connection if the module opened it. Idempotent. */
  onApplicationShutdown(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.spill();
    await this.buffer.close();
    await this.handle.close();
  }

  /** Writes what an earlier run spilled (buffering what Redis refuses), then removes the file. */
  private async importSpill(): Promise<void> {
    const file = this.spillFile;
    const entries = file?.read() ?? [];
    if (!file || entries.length === 0) return;
    let buffered = 0;
    for (const entry of entries) {
      try {
        await this.write(entry);
      } catch (error) {
        if (this.buffer.push(entry, error)) this.notifier.buffered(entry, error);
        buffered++;
      }
    }
    file.remove();
    this.notifier.imported(entries.length, file.path, buffered);
  }

  /** One pass of the buffer into Redis; what is left goes to the spill file (if there is one). */
  private async spill(): Promise<void> {
    await this.buffer.flush();
    const file = this.spillFile;
    if (!file || this.buffer.size === 0) return;
    const entries = this.buffer.takeAll();
    try {
      file.save(entries);
      this.notifier.spilled(
        entries.map((entry) => entry.id),
        file.path,
      );
    } catch (error) {
      for (const entry of entries) {
        this.notifier.lostToLog(entry, `spill file ${file.path} not written`, error, false);
      }
    }
  }

  private async write(entry: FailedOperation): Promise<void> {
    const repository = await this.repository();
    const reply = await withTimeout(
      repository.insert(entry, this.clock.now(), {
        dueAt: 0,
        dedupKey: '-',
        dedupWindowMs: 0,
      }),
      DLQ_WRITE_TIMEOUT_MS,
    );
    if (reply.kind !== 'stored') return;
    this.notifier.stored(entry);
    if (reply.expiredDue > 0 || reply.total > this.options.maxEntries) {
      await this.trim(repository).catch((error: unknown) => {
        this.notifier.logger.warn(`DLQ retention after a store failed: ${describe(error)}`);
      });
    }
  }

  /** Retention and the cap, after a store that found expired entries or too many. */
  private async trim(repository: RedisDlqRepository): Promise<void> {
    await repository.sweepExpired(this.clock.now(), (ids) =>
      this.notifier.evicted('ttl', ids, this.options.maxEntries),
    );
    const evicted = await repository.evictBeyond(this.options.maxEntries);
    this.notifier.evicted('cap', evicted, this.options.maxEntries);
  }

  private async page(index: string, request: PageRequest): Promise<Page<FailedOperation>> {
    const limit = pageLimit(request.limit);
    const cursor = decodeCursor(request.cursor);
    return await this.guard(() => this.reader().page(index, limit, cursor));
  }

  private reader(): RedisDlqReader {
    return new RedisDlqReader(
      () => this.repository(),
      this.keys,
      () => this.clock.now(),
    );
  }

  private async sweepQuietly(): Promise<void> {
    await this.sweepExpired().catch((error: unknown) => {
      this.notifier.logger.warn(`DLQ retention sweep failed: ${describe(error)}`);
    });
  }

  private async repository(): Promise<RedisDlqRepository> {
    const { redis } = await this.handle.connect();
    return new RedisDlqRepository(redis, this.keys, this.corrupt);
  }

  private guard<T>(run: () => Promise<T>): Promise<T> {
    return run().catch(asUnavailable);
  }
}

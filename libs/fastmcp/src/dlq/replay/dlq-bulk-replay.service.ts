import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DlqJobLimitError } from '../../errors/dlq-job-limit.error.js';
import { DlqUnavailableError, isDlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import { isDlqEntryNotFoundError } from '../../errors/dlq-entry-not-found.error.js';
import { isReplayConflictError } from '../../errors/replay-conflict.error.js';
import { isUnknownClientError } from '../../errors/unknown-client.error.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../../options/fastmcp-options.interface.js';
import { DeadLetterQueueService } from '../core/dead-letter-queue.service.js';
import { assertFilter } from '../core/dlq-filter.js';
import {
  assertKnownKeys,
  assertOptionsObject,
  forceOf,
  show,
} from '../core/dlq-input.validation.js';
import { describe } from '../core/dlq-notifier.js';
import { asUnavailable, waitAtShutdown } from '../core/dlq-runtime.js';
import { DLQ_PRIORITIES, type FailedOperation } from '../core/failed-operation.interface.js';
import type { BulkReplayJob, BulkReplayRequest } from './bulk-replay-job.interface.js';
import { DlqReplayService } from './dlq-replay.service.js';
import { LeaseKeeper } from './lease-keeper.js';
import { retryWhileStoreAway } from './retry-while-store-away.js';
import {
  FASTMCP_TRACER,
  NOOP_TRACER,
  type OperationTracer,
} from '../../tracing/operation-tracer.interface.js';

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How many jobs the store lists (older records expire with the entries' retention). */
const JOBS_LISTED = 1000;

/**
 * Jobs running at once across the instances of a store: each replays at its own rate and
 * concurrency, so more would multiply the load on the servers past what one job's settings say.
 */
export const DLQ_MAX_RUNNING_JOBS = 8;

/**
 * A job as stored: `chunk` holds the replay counts of the chunk under way, recorded before it
 * runs and cleared with its progress, so an instance taking the job over knows what of it ran.
 */
type StoredJob = BulkReplayJob & { chunk?: Record<string, number> };

/** How the replays of a chunk ended. */
interface Tally {
  succeeded: number;
  failed: number;
  skipped: number;
}

/**
 * Bulk replay jobs. A job replays a snapshot of ids taken at its start (high priority first,
 * oldest first within one), at a rate and a concurrency, and records its progress in the store.
 * It runs under a job lease renewed as it goes (during a chunk too): when its instance dies,
 * another instance (each looks every `redriveIntervalMs`) takes the lease and goes on from the
 * recorded progress; per-entry replay leases keep an entry from running twice, and an entry of
 * the dead instance's unrecorded chunk whose replay count moved is skipped. Shutdown stops
 * the jobs without waiting (no replay starts after it begins); a stopped job stays `running`, its
 * lease released, and resumes from its progress at the next pickup.
 */
@Injectable()
export class DlqBulkReplayService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Aborts at shutdown: ends the waits between replays at once. */
  private readonly stopping = new AbortController();
  private readonly leaseMs: number;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(DeadLetterQueueService) private readonly queue: DeadLetterQueueService,
    @Inject(DlqReplayService) private readonly replays: DlqReplayService,
    @Optional()
    @Inject(FASTMCP_TRACER)
    private readonly tracer: OperationTracer = NOOP_TRACER,
  ) {
    this.leaseMs = options.dlq === false ? 0 : Math.max(options.dlq.replayLeaseMs, 1000);
  }

  onApplicationBootstrap(): void {
    if (this.options.dlq === false || !this.queue.enabled) return;
    const every = this.options.dlq.redriveIntervalMs;
    this.timer = setInterval(() => void this.resumeQuietly(), every).unref();
  }

  /**
   * Takes the snapshot, records the job and starts it here; returns it as recorded. Refused with
   * `DlqJobLimitError` while `DLQ_MAX_RUNNING_JOBS` jobs run (two starts at the same moment on
   * two instances may each see one slot left).
   */
  async start(request: BulkReplayRequest = {}): Promise<BulkReplayJob> {
    const settings = checked(request);
    const running = (await this.listed()).filter((job) => job?.state === 'running').length;
    if (running >= DLQ_MAX_RUNNING_JOBS) throw new DlqJobLimitError(running, DLQ_MAX_RUNNING_JOBS);
    // Only what the order needs is kept: a snapshot of 100,000 stays small.
    const ids: Array<Pick<FailedOperation, 'id' | 'priority' | 'replayCount'>> = [];
    for await (const entry of this.queue.export(settings.filter)) {
      ids.push({ id: entry.id, priority: entry.priority, replayCount: entry.replayCount });
      if (ids.length >= settings.limit) break;
    }
    const rank = (e: Pick<FailedOperation, 'priority'>): number =>
      DLQ_PRIORITIES.indexOf(e.priority ?? 'normal');
    ids.sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : 1));
    const now = new Date(this.queue.clock.now()).toISOString();
    const job: BulkReplayJob = {
      id: randomUUID(),
      state: ids.length === 0 ? 'done' : 'running',
      createdAt: now,
      updatedAt: now,
      filter: settings.filter,
      ratePerSecond: settings.ratePerSecond,
      concurrency: settings.concurrency,
      force: settings.force,
      total: ids.length,
      done: 0,
      succeeded: 0,
      failed: 0,
      skipped: 0,
    };
    const storage = this.queue.activeStorage();
    await storage
      .saveJob(
        { id: job.id, state: JSON.stringify(job) },
        ids.map((e) => `${e.id} ${e.replayCount}`),
      )
      .catch(asUnavailable);
    // The job is recorded, so a failed claim is not the caller's to retry (that would start a
    // second job): the next pickup, here or on another instance, runs it.
    if (job.state === 'running') {
      await this.claim(job.id).catch((error: unknown) => {
        this.queue.notifier.logger.warn(
          `Bulk replay job ${job.id} waits for the next pickup: ${describe(error)}`,
        );
      });
    }
    return job;
  }

  async get(jobId: string): Promise<BulkReplayJob | null> {
    const id = canonicalJobId(jobId);
    const job = await this.read(id);
    if (job) delete job.chunk;
    return job;
  }

  /** The latest jobs, newest first. */
  async list(limit = 20): Promise<BulkReplayJob[]> {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new DlqValidationError(
        'limit',
        `expected an integer from 1 to 100, got ${show(limit)}`,
      );
    }
    const ids = await this.queue.activeStorage().jobIds(limit).catch(asUnavailable);
    const jobs = await Promise.all(ids.map((id) => this.get(id)));
    return jobs.filter((job): job is BulkReplayJob => job !== null);
  }

  /**
   * Stops a running job after the replays in flight; a finished job stays as it is. Returns the
   * job as stored after, null when there is no such job.
   */
  async cancel(jobId: string): Promise<BulkReplayJob | null> {
    const id = canonicalJobId(jobId);
    // The store changes only the state, in one step: a read-modify-write here would undo a
    // progress save landing in between (or cancel a job that just finished).
    const record = await this.queue
      .activeStorage()
      .cancelJob(id, this.isoNow())
      .catch(asUnavailable);
    return record ? (JSON.parse(record.state) as BulkReplayJob) : null;
  }

  /**
   * Takes over running jobs whose instance stopped renewing their lease, among every job the
   * store lists (the latest 1000, however many finished ones are newer); returns how many.
   */
  async resumeOrphans(): Promise<number> {
    const jobs = await this.listed((id) => !this.running.has(id));
    let taken = 0;
    for (const job of jobs) {
      if (job?.state === 'running' && (await this.claim(job.id))) taken++;
    }
    return taken;
  }

  /** Every job the store lists (the latest 1000), those `wanted` only. */
  private async listed(
    wanted: (id: string) => boolean = () => true,
  ): Promise<Array<BulkReplayJob | null>> {
    const ids = await this.queue.activeStorage().jobIds(JOBS_LISTED).catch(asUnavailable);
    return Promise.all(ids.filter(wanted).map((id) => this.get(id)));
  }

  /** Resolves when this instance's run of the job ends (for tests and shutdown). */
  settled(id: string): Promise<void> {
    return this.running.get(id) ?? Promise.resolve();
  }

  /**
   * The first step of shutdown, before calls are refused and drained: no replay starts after it.
   * Nothing is awaited here, so the running replays count against `shutdownGraceMs` only.
   */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.stopping.abort();
  }

  /**
   * After the calls are drained, before the store's connection closes: the runs end, their
   * progress is recorded and their leases are released.
   */
  async onApplicationShutdown(): Promise<void> {
    this.beforeApplicationShutdown();
    if (this.running.size === 0) return;
    const runs = Promise.all([...this.running.values()]);
    await waitAtShutdown(runs, 'Bulk replay jobs', this.queue.notifier.logger);
  }

  private async claim(id: string): Promise<boolean> {
    const token = randomUUID();
    const storage = this.queue.activeStorage();
    if (!(await storage.lease(`job:${id}`, token, this.leaseMs, this.queue.clock.now()))) {
      return false;
    }
    // A job outlives the request that started it: its replays are traced on their own.
    const run = this.tracer
      .detached(() => this.run(id, token))
      .catch((error: unknown) => {
        this.queue.notifier.logger.warn(`Bulk replay job ${id} paused: ${describe(error)}`);
      })
      .then(() => storage.releaseLease(`job:${id}`, token))
      .catch(() => undefined)
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return true;
  }

  private async run(id: string, token: string): Promise<void> {
    const storage = this.queue.activeStorage();
    for (;;) {
      const job = await this.read(id);
      if (!job || job.state !== 'running' || this.stopped) return;
      const leasedAt = performance.now();
      if (!(await storage.lease(`job:${id}`, token, this.leaseMs, this.queue.clock.now()))) return;
      const { ids, countsAtStart } = snapshotOf(
        await storage.jobSnapshot(id, job.done, job.concurrency),
      );
      // A chunk recorded and not finished was the chunk of an instance that stopped: its counts
      // tell which entries it replayed. A forced job's `force` was decided on the entries as they
      // were at its start: one replayed since (by hand, by redrive) is skipped, not forced again.
      const counts =
        job.chunk ?? (await this.recordChunk(job, ids, job.force ? countsAtStart : {}));
      // A chunk may outlast the job lease: it is renewed meanwhile, so no other instance takes
      // the job over and starts this chunk again from the recorded progress.
      // Renewed, never taken back: once it ran out, another instance may have run the job on.
      const renew = () =>
        storage.renewLease(`job:${id}`, token, this.leaseMs, this.queue.clock.now());
      const lease = new LeaseKeeper(renew, this.leaseMs, `bulk replay job ${id}`, leasedAt);
      let next: StoredJob;
      try {
        const tally = await this.runChunk(job, ids, counts, lease);
        // Taken over: the progress is the other instance's to record.
        if (lease.lost) return;
        next = await this.progressed(job, ids, tally);
        // Recorded through a brief outage too: a chunk left unrecorded runs again.
        const save = () => storage.saveJob({ id, state: JSON.stringify(next) });
        await retryWhileStoreAway(save, lease, () => this.stopped);
      } finally {
        await lease.stop();
      }
      if (next.state !== 'running') return;
      await this.pause(1000 / job.ratePerSecond);
    }
  }

  /**
   * Replays the chunk's entries, paced; the tally of how each ended. Throws DlqUnavailableError,
   * recording nothing, when the store stayed away past the lease through a replay: the chunk
   * then runs again from its record once the store is back.
   */
  private async runChunk(
    job: StoredJob,
    ids: string[],
    counts: Record<string, number>,
    lease: LeaseKeeper,
  ): Promise<Tally> {
    const tally = { succeeded: 0, failed: 0, skipped: 0 };
    let storeAway = false;
    await Promise.all(
      ids.map(async (entryId, i) => {
        await this.pause((1000 / job.ratePerSecond) * i);
        // A replay still waiting for its turn when the job is cancelled (or taken over by
        // another instance, or the app stops, or the store stayed away) does not start.
        if (this.stopped || lease.lost || storeAway) return;
        if (i > 0 && (await this.cancelled(job.id))) return;
        const result = await this.replayOne(entryId, job.force, counts[entryId], lease);
        if (result === 'storeAway') storeAway = true;
        else if (result !== 'refused') tally[result]++;
      }),
    );
    if (storeAway && !lease.lost) {
      throw new DlqUnavailableError('the store stayed away through a replay of the chunk');
    }
    return tally;
  }

  /** The job once the chunk of `ids` ran with `tally`. */
  private async progressed(job: StoredJob, ids: string[], tally: Tally): Promise<StoredJob> {
    const ran = tally.succeeded + tally.failed + tally.skipped;
    const cancelled = await this.cancelled(job.id);
    const next: StoredJob = {
      ...job,
      state: cancelled ? 'cancelled' : ids.length === 0 ? 'done' : 'running',
      done: job.done + ran,
      succeeded: job.succeeded + tally.succeeded,
      failed: job.failed + tally.failed,
      skipped: job.skipped + tally.skipped,
      updatedAt: this.isoNow(),
    };
    if (next.done >= next.total && next.state === 'running') next.state = 'done';
    delete next.chunk;
    return next;
  }

  /** The job as stored, its chunk record included. */
  private async read(id: string): Promise<StoredJob | null> {
    const record = await this.queue.activeStorage().job(id).catch(asUnavailable);
    return record ? (JSON.parse(record.state) as StoredJob) : null;
  }

  /**
   * Records the replay counts of the chunk's entries (those still there) before it runs: those
   * of `known` (the job's start) where given, else as they are now.
   */
  private async recordChunk(
    job: StoredJob,
    ids: string[],
    known: Record<string, number>,
  ): Promise<Record<string, number>> {
    if (ids.length === 0) return {};
    const storage = this.queue.activeStorage();
    const entries = await storage.read(ids).catch(asUnavailable);
    const chunk: Record<string, number> = {};
    for (const entry of entries) if (entry) chunk[entry.id] = known[entry.id] ?? entry.replayCount;
    const state = JSON.stringify({ ...job, chunk });
    await storage.saveJob({ id: job.id, state });
    return chunk;
  }

  /** Whether the job was cancelled; a job the store cannot read now is not. */
  private async cancelled(id: string): Promise<boolean> {
    const job = await this.get(id).catch(() => null);
    return job?.state === 'cancelled';
  }

  /**
   * `refused`: not run, the app is shutting down (not counted: the job resumes from it). An entry
   * whose replay count is no longer `replayCountWas` was replayed since its chunk began: `skipped`.
   * A replay the store refused before it began is tried again while the job's lease holds (see
   * retryWhileStoreAway); past that it is `storeAway`: not run, not counted.
   */
  private async replayOne(
    id: string,
    force: boolean,
    replayCountWas: number | undefined,
    lease: LeaseKeeper,
  ): Promise<'succeeded' | 'failed' | 'skipped' | 'refused' | 'storeAway'> {
    let refused = false;
    const replay = () =>
      this.replays.run(id, { force, replayCountWas, onRefused: () => (refused = true) });
    try {
      await retryWhileStoreAway(replay, lease, () => this.stopped);
      return 'succeeded';
    } catch (error) {
      if (refused) return 'refused';
      if (isDlqUnavailableError(error)) return 'storeAway';
      // A client id not configured here: nothing was sent and the entry stays as it was.
      const untouched = isReplayConflictError(error) || isUnknownClientError(error);
      return untouched || isDlqEntryNotFoundError(error) ? 'skipped' : 'failed';
    }
  }

  /** Waits `ms`, or less when shutdown begins meanwhile. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }

  private isoNow(): string {
    return new Date(this.queue.clock.now()).toISOString();
  }

  private async resumeQuietly(): Promise<void> {
    await this.resumeOrphans().catch((error: unknown) => {
      this.queue.notifier.logger.warn(`Bulk replay pickup failed: ${describe(error)}`);
    });
  }
}

/** The job id as stored (lower case: a UUID is read either way, RFC 9562); throws if malformed. */
function canonicalJobId(id: string): string {
  const lower = typeof id === 'string' ? id.toLowerCase() : id;
  if (typeof lower !== 'string' || !JOB_ID.test(lower)) {
    throw new DlqValidationError('jobId', 'expected a job id (a UUID)');
  }
  return lower;
}

const REQUEST_KEYS = [
  'filter',
  'ratePerSecond',
  'concurrency',
  'limit',
  'force',
] as const satisfies ReadonlyArray<keyof BulkReplayRequest>;

function checked(request: BulkReplayRequest): Required<BulkReplayRequest> {
  assertOptionsObject('request', request);
  if (request) assertKnownKeys('request', request, REQUEST_KEYS);
  const filter = request.filter ?? {};
  assertFilter(filter);
  const number = (field: string, value: unknown, fallback: number, min: number, max: number) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !(value >= min && value <= max)) {
      throw new DlqValidationError(field, `expected a number ${min}..${max}, got ${show(value)}`);
    }
    return value;
  };
  const whole = (field: string, value: unknown, fallback: number, min: number, max: number) => {
    const count = number(field, value, fallback, min, max);
    if (!Number.isInteger(count)) {
      throw new DlqValidationError(field, `expected a whole number, got ${show(value)}`);
    }
    return count;
  };
  return {
    filter,
    ratePerSecond: number('ratePerSecond', request.ratePerSecond, 10, 0.1, 1000),
    concurrency: whole('concurrency', request.concurrency, 4, 1, 32),
    limit: whole('limit', request.limit, 10_000, 1, 100_000),
    force: forceOf('force', request.force),
  };
}

/**
 * A snapshot's lines: `<id> <replay count at the job's start>` (a job recorded by an earlier
 * version holds the id alone).
 */
function snapshotOf(lines: readonly string[]): {
  ids: string[];
  countsAtStart: Record<string, number>;
} {
  const ids: string[] = [];
  const countsAtStart: Record<string, number> = {};
  for (const line of lines) {
    const [id, count] = line.split(' ');
    ids.push(id);
    if (count !== undefined && /^\d+$/.test(count)) countsAtStart[id] = Number(count);
  }
  return { ids, countsAtStart };
}

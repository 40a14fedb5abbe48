import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { isDlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { isDlqEntryNotFoundError } from '../../errors/dlq-entry-not-found.error.js';
import { isReplayConflictError } from '../../errors/replay-conflict.error.js';
import { isUnknownClientError } from '../../errors/unknown-client.error.js';
import { FastMcpEvents } from '../../events/fastmcp-events.service.js';
import type { DlqRedrivenEvent } from '../../events/fastmcp-events.interface.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../../options/fastmcp-options.interface.js';
import { DeadLetterQueueService } from '../core/dead-letter-queue.service.js';
import { describe } from '../core/dlq-notifier.js';
import { isExpired, waitAtShutdown } from '../core/dlq-runtime.js';
import { DLQ_PRIORITIES, type FailedOperation } from '../core/failed-operation.interface.js';
import { DlqReplayService } from './dlq-replay.service.js';
import { REDRIVE_GATE, type RedriveGate } from './redrive-gate.interface.js';

/** Due entries looked at per round. */
const ROUND_SIZE = 100;

type RedriveResult = DlqRedrivenEvent['result'];

/**
 * Automatic redrive. Every instance looks at the due-time index every `redriveIntervalMs` and
 * replays what is due, high priority first, one at a time; the per-entry replay lease makes
 * instances share the work without running an entry twice. Entries marked `deliveryUnknown`
 * are never redriven; redrives to a server wait while its circuit is open or its rate limit has
 * a queue. Shutdown stops the rounds without waiting: no redrive starts after it begins, and
 * one refused as it starts (nothing sent) leaves its entry as it was, due at the next start.
 */
@Injectable()
export class DlqRedriver
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<number> | undefined;
  private stopped = false;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(DeadLetterQueueService) private readonly queue: DeadLetterQueueService,
    @Inject(DlqReplayService) private readonly replays: DlqReplayService,
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
    @Optional() @Inject(REDRIVE_GATE) private readonly gate: RedriveGate | null = null,
  ) {}

  onApplicationBootstrap(): void {
    const dlq = this.options.dlq;
    if (dlq === false || dlq.redrive.length === 0 || !this.queue.enabled) return;
    this.timer = setInterval(() => void this.runQuietly(), this.intervalMs).unref();
  }

  private get intervalMs(): number {
    return this.options.dlq === false ? 0 : this.options.dlq.redriveIntervalMs;
  }

  /** One round now: redrives every entry due (up to 100); returns how many were tried. */
  redriveDue(): Promise<number> {
    this.round ??= this.redriveRound().finally(() => (this.round = undefined));
    return this.round;
  }

  /**
   * The first step of shutdown, before calls are refused and drained: no redrive starts after it.
   * Nothing is awaited here, so a redrive running counts against `shutdownGraceMs` only.
   */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** After the calls are drained, before the store's connection closes: the round ends. */
  async onApplicationShutdown(): Promise<void> {
    this.beforeApplicationShutdown();
    if (this.round) await waitAtShutdown(this.round, 'Redrive round', this.queue.notifier.logger);
  }

  private async redriveRound(): Promise<number> {
    const storage = this.queue.activeStorage();
    const ids = await storage.due(this.queue.clock.now(), ROUND_SIZE);
    const entries = (await storage.read(ids)).filter((e): e is FailedOperation => e !== null);
    const rank = (e: FailedOperation): number => DLQ_PRIORITIES.indexOf(e.priority ?? 'normal');
    entries.sort(
      (a, b) => rank(a) - rank(b) || (a.nextRedriveAt ?? '').localeCompare(b.nextRedriveAt ?? ''),
    );
    let tried = 0;
    for (const entry of entries) {
      if (this.stopped) break;
      // Past its TTL (reads hide it; the next sweep removes it), or no policy matches it any more.
      if (isExpired(entry, this.queue.clock.now()) || !this.replays.redrivePlan.policyFor(entry)) {
        await storage.setDue(entry.id, 0);
        continue;
      }
      if (this.gate?.holdReason(entry.clientId)) {
        // Looked at again next round, so held entries never crowd out other servers' ones.
        await storage.setDue(entry.id, this.queue.clock.now() + this.intervalMs);
        this.emit(entry, 'held');
        continue;
      }
      tried++;
      this.emit(entry, await this.redrive(entry));
    }
    return tried;
  }

  private async redrive(entry: FailedOperation): Promise<RedriveResult> {
    let refused = false;
    try {
      await this.replays.run(entry.id, { redrive: true, onRefused: () => (refused = true) });
      return 'success';
    } catch (error) {
      // Refused (shutting down): nothing sent, the entry is left as it was.
      if (refused || isReplayConflictError(error) || isDlqEntryNotFoundError(error)) {
        return 'skipped';
      }
      if (isUnknownClientError(error)) {
        // Not configured on this instance: left for one that has it, looked at again next round.
        const storage = this.queue.activeStorage();
        await storage.setDue(entry.id, this.queue.clock.now() + this.intervalMs);
        return 'held';
      }
      // The store is away (the replay never began): the round ends, the next one tries again.
      // Going on would spend the store's timeout on every due entry and count each a failure.
      if (isDlqUnavailableError(error)) throw error;
      const after = await this.queue.get(entry.id).catch(() => null);
      return after?.redriveExhausted ? 'exhausted' : 'failure';
    }
  }

  private emit(entry: FailedOperation, result: RedriveResult): void {
    this.events.emit('dlq.redriven', { id: entry.id, clientId: entry.clientId, result });
  }

  private async runQuietly(): Promise<void> {
    await this.redriveDue().catch((error: unknown) => {
      this.queue.notifier.logger.warn(`DLQ redrive round failed: ${describe(error)}`);
    });
  }
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import { InFlightOperations } from '../../client/in-flight-operations.js';
import { FastMcpShutdownError } from '../../errors/fastmcp-shutdown.error.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../../options/fastmcp-options.interface.js';
import type { ReplayOptions, ReplayResult } from '../core/dead-letter-queue.interface.js';
import { DeadLetterQueueService } from '../core/dead-letter-queue.service.js';
import {
  assertDlqId,
  assertKnownKeys,
  assertOptionsObject,
  forceOf,
} from '../core/dlq-input.validation.js';
import { DlqRedrivePlan } from '../core/dlq-redrive.plan.js';
import { OPERATION_REPLAYER, type OperationReplayer } from './operation-replayer.interface.js';
import { type ReplayContext, runReplay, type RunReplayOptions } from './dlq-replay.runner.js';

/**
 * Replays dead-lettered operations through the client (an `OperationReplayer`), under the
 * storage's per-entry lease: one instance at a time runs an entry.
 */
@Injectable()
export class DlqReplayService {
  private readonly plan: DlqRedrivePlan;
  private readonly leaseMs: number;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) options: ResolvedFastMcpOptions,
    @Inject(DeadLetterQueueService) private readonly queue: DeadLetterQueueService,
    @Inject(OPERATION_REPLAYER) private readonly replayer: OperationReplayer,
    @Optional()
    @Inject(InFlightOperations)
    private readonly inFlight: InFlightOperations | null = null,
  ) {
    this.plan = new DlqRedrivePlan(options.dlq === false ? [] : options.dlq.redrive);
    this.leaseMs = options.dlq === false ? 0 : options.dlq.replayLeaseMs;
  }

  /**
   * Re-runs the entry once with the normal retry. Success removes it and returns the result;
   * failure keeps it (new attempts, `replayCount + 1`) and throws the error. An entry marked
   * `deliveryUnknown` (the tool may already have run) needs `force: true`, or
   * ReplayConflictError is thrown and nothing is sent. Once the app is shutting down,
   * FastMcpShutdownError is thrown, nothing is sent and the entry is left as it was.
   */
  async replay(id: string, options: ReplayOptions = {}): Promise<ReplayResult> {
    assertDlqId(id);
    assertOptionsObject('options', options);
    assertKnownKeys('options', options, ['force']);
    return this.run(id, { force: forceOf('force', options.force) });
  }

  /** A replay for the redriver and bulk jobs (same lease, same accounting). */
  async run(id: string, options: RunReplayOptions): Promise<ReplayResult> {
    // Refused before the entry is touched; one that starts just before is refused by admission,
    // and the runner leaves the entry as it was then too.
    if (this.inFlight && !this.inFlight.accepting) {
      options.onRefused?.();
      throw new FastMcpShutdownError(`dead-letter entry ${id} was not replayed`);
    }
    return runReplay(id, this.context(), options);
  }

  /** The redrive plan of the options (policies, backoff). */
  get redrivePlan(): DlqRedrivePlan {
    return this.plan;
  }

  private context(): ReplayContext {
    return {
      storage: this.queue.activeStorage(),
      replayer: this.replayer,
      notifier: this.queue.notifier,
      plan: this.plan,
      leaseMs: this.leaseMs,
      now: () => this.queue.clock.now(),
      closing: () => this.queue.closing,
    };
  }
}

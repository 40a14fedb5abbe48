import { type BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import { DeadLetterQueueService } from '../dlq/core/dead-letter-queue.service.js';
import { FastMcpShutdownError } from '../errors/fastmcp-shutdown.error.js';
import type { OperationName } from '../events/operation-name.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { InertLogger } from '../logging/inert-logger.js';

/** One running operation: its signal aborts (with FastMcpShutdownError) when the grace runs out. */
export interface InFlightTicket {
  readonly signal: AbortSignal;
  done(): void;
}

/**
 * The operations running now. Shutdown, in order: stop admitting new ones, spill the DLQ buffer
 * at once, then wait for the running ones up to `shutdownGraceMs`, and end what is left with
 * FastMcpShutdownError.
 */
@Injectable()
export class InFlightOperations implements BeforeApplicationShutdown {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private readonly running = new Map<AbortController, Promise<void>>();
  private readonly settle = new Map<AbortController, () => void>();
  private closing = false;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Optional()
    @Inject(DeadLetterQueueService)
    private readonly dlq?: DeadLetterQueueService | null,
  ) {}

  get size(): number {
    return this.running.size;
  }

  /** False once shutdown has begun: every new operation is refused. */
  get accepting(): boolean {
    return !this.closing;
  }

  /** Admits an operation; throws FastMcpShutdownError once shutdown has begun. */
  admit(clientId: string, operation: OperationName): InFlightTicket {
    if (this.closing) {
      throw new FastMcpShutdownError('no new call is accepted', { clientId, operation });
    }
    const controller = new AbortController();
    let resolve: () => void = () => undefined;
    this.running.set(controller, new Promise<void>((r) => (resolve = r)));
    this.settle.set(controller, resolve);
    return {
      signal: controller.signal,
      done: () => {
        this.running.delete(controller);
        this.settle.get(controller)?.();
        this.settle.delete(controller);
      },
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.dlq?.beforeApplicationShutdown();
    if (this.running.size === 0) return;
    const graceMs = this.options.shutdownGraceMs;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(this.running.values()), graceOver]);
    clearTimeout(timer);
    if (this.running.size === 0) return;
    this.logger.warn(
      `Shutdown grace of ${graceMs}ms over: ending ${this.running.size} calls still running`,
    );
    const left = [...this.running.entries()];
    for (const [controller] of left) {
      controller.abort(new FastMcpShutdownError(`call still running after ${graceMs}ms of grace`));
    }
    await Promise.all(left.map(([, settled]) => settled));
  }
}

import { type BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import { DeadLetterQueueService } from '../dlq/core/dead-letter-queue.service.js';
import { FastMcpShutdownError } from '../errors/fastmcp-shutdown.error.js';
import type { OperationName } from '../events/operation-name.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { InertLogger } from '../logging/inert-logger.js';
import { InFlightTicket } from './in-flight-ticket.js';

/**
 * The operations running now. Shutdown, in order: stop admitting new ones, spill the DLQ buffer
 * at once, then wait for the running ones up to `shutdownGraceMs`, and end what is left with
 * FastMcpShutdownError.
 */
@Injectable()
export class InFlightOperations implements BeforeApplicationShutdown {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private readonly running = new Set<InFlightTicket>();
  /** Resolves the wait for the running operations, when there is one, as the last one ends. */
  private drained?: () => void;
  private closing = false;
  private readonly release = (ticket: InFlightTicket): void => {
    if (this.running.delete(ticket) && this.running.size === 0) this.drained?.();
  };

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
    const ticket = new InFlightTicket(this.release);
    this.running.add(ticket);
    return ticket;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.dlq?.beforeApplicationShutdown();
    if (this.running.size === 0) return;
    const graceMs = this.options.shutdownGraceMs;
    const allDone = new Promise<void>((resolve) => (this.drained = resolve));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([allDone, graceOver]);
    clearTimeout(timer);
    if (this.running.size === 0) return;
    this.logger.warn(
      `Shutdown grace of ${graceMs}ms over: ending ${this.running.size} calls still running`,
    );
    for (const ticket of [...this.running]) {
      ticket.shutDown(new FastMcpShutdownError(`call still running after ${graceMs}ms of grace`));
    }
    await allDone;
  }
}

import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import {
  operationFailedFields,
  operationFailedLine,
  retriesExhaustedLine,
  retryScheduledFields,
  retryScheduledLine,
  retryWithheldLine,
  circuitTransitionLine,
  retryBudgetExhaustedLine,
} from './log-lines.js';
import { InertLogger } from './inert-logger.js';

/**
 * Logs retries and failures under the `FastMCP Enhanced` context. Each line passes its fields as
 * a plain object, which Nest's ConsoleLogger prints after the text, or as `params` (root fields
 * with `flattenParams: true`) when `json: true`. Tool arguments and headers are never logged.
 */
@Injectable()
export class FastMcpLogListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private unsubscribes: Array<() => void> = [];

  constructor(private readonly events: FastMcpEvents) {}

  onModuleInit(): void {
    if (this.unsubscribes.length > 0) return;
    this.unsubscribes = [
      this.events.on('retry.scheduled', (e) => {
        // A resumption sends nothing again, and the server sets its pace: its 1st and 10th only.
        if (e.reason === 'stream_resume' && e.retry !== 1 && e.retry !== 10) return;
        this.logger.warn(retryScheduledLine(e), retryScheduledFields(e));
      }),
      this.events.on('retry.withheld', (e) =>
        this.logger.warn(retryWithheldLine(e), {
          event: 'retry.withheld',
          clientId: e.clientId,
          operation: e.operation,
          toolName: e.toolName,
        }),
      ),
      this.events.on('circuit.transition', (e) => {
        const fields = { event: 'circuit.transition', server: e.server, from: e.from, to: e.to };
        if (e.to === 'open') this.logger.warn(circuitTransitionLine(e), fields);
        else this.logger.log(circuitTransitionLine(e), fields);
      }),
      this.events.on('retry.budget_exhausted', (e) =>
        this.logger.warn(retryBudgetExhaustedLine(e), {
          event: 'retry.budget_exhausted',
          server: e.server,
          operation: e.operation,
        }),
      ),
      this.events.on('operation.failed', (e) => {
        if (e.retriesExhausted)
          this.logger.error(retriesExhaustedLine(e), operationFailedFields(e));
        else this.logger.warn(operationFailedLine(e), operationFailedFields(e));
      }),
    ];
  }

  /** After the running calls have drained, so their ends are still logged. */
  onApplicationShutdown(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.unsubscribes = [];
  }
}

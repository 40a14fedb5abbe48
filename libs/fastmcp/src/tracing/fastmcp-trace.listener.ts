import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import {
  FASTMCP_TRACER,
  NOOP_TRACER,
  type OperationTracer,
  type TraceAttributes,
} from './operation-tracer.interface.js';

/**
 * Turns the module's events into events on the span of the operation that raised them: retries
 * and their backoff waits, a withheld retry, breaker transitions, the retry budget, rate-limit
 * waits and DLQ writes. Listens to nothing when tracing is off.
 */
@Injectable()
export class FastMcpTraceListener implements OnModuleInit, OnApplicationShutdown {
  private unsubscribes: Array<() => void> = [];

  constructor(
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
    @Inject(FASTMCP_TRACER) private readonly tracer: OperationTracer,
  ) {}

  onModuleInit(): void {
    if (this.tracer === NOOP_TRACER || this.unsubscribes.length > 0) return;
    const on = this.events.on.bind(this.events);
    const record = (name: string, attributes: TraceAttributes): void =>
      this.tracer.current()?.event(name, attributes);
    this.unsubscribes = [
      on('retry.scheduled', (e) =>
        record(e.reason === 'stream_resume' ? 'fastmcp.stream.resume' : 'fastmcp.retry', {
          'fastmcp.retry.number': e.retry,
          'fastmcp.retry.max': e.maxRetries,
          'fastmcp.backoff.delay_ms': e.delayMs,
          'fastmcp.retry.reason': e.reason,
          'fastmcp.elapsed_ms': e.cumulativeMs,
        }),
      ),
      on('retry.withheld', (e) =>
        record('fastmcp.retry.withheld', {
          'gen_ai.tool.name': e.toolName,
          'fastmcp.error': e.error,
        }),
      ),
      on('retry.budget_exhausted', (e) =>
        record('fastmcp.retry_budget.exhausted', { 'fastmcp.server': e.server }),
      ),
      on('circuit.transition', (e) =>
        record('fastmcp.circuit.transition', {
          'fastmcp.server': e.server,
          'fastmcp.circuit.from': e.from,
          'fastmcp.circuit.to': e.to,
        }),
      ),
      on('ratelimit.waited', (e) =>
        record('fastmcp.rate_limit.waited', {
          'fastmcp.server': e.server,
          'fastmcp.rate_limit.waited_ms': e.waitedMs,
        }),
      ),
      on('dlq.stored', (e) =>
        record('fastmcp.dlq.stored', {
          'fastmcp.dlq.entry_id': e.id,
          'fastmcp.dlq.error_class': e.errorClass,
        }),
      ),
      on('dlq.store_failed', (e) =>
        record('fastmcp.dlq.store_failed', {
          'fastmcp.dlq.outcome': e.outcome,
          'fastmcp.error': e.error,
        }),
      ),
    ];
  }

  /** After the running calls have drained, so their ends are still recorded. */
  onApplicationShutdown(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.unsubscribes = [];
  }
}

import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { OperationContext } from '../events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { InjectFastMcpOptions } from '../options/inject-fastmcp-options.decorator.js';
import { ClientIdLabels } from './client-id-labels.js';
import type { FastMcpMetricSet } from './create-metric-set.js';
import { FastMcpMetrics } from './fastmcp-metrics.service.js';
import { OperationLabels } from './operation-labels.js';

type Labels = Record<string, string>;

/** Turns the module's events into metrics. Does nothing when metrics are off. */
/** `fastmcp_circuit_state` values. */
const CIRCUIT_STATE_VALUES = { closed: 0, half_open: 1, open: 2 } as const;

@Injectable()
export class FastMcpMetricsListener implements OnModuleInit, OnModuleDestroy {
  private readonly clientIds: ClientIdLabels | null;
  private readonly operationLabels: OperationLabels;
  private unsubscribes: Array<() => void> = [];

  constructor(
    private readonly events: FastMcpEvents,
    private readonly metrics: FastMcpMetrics,
    @InjectFastMcpOptions() options: ResolvedFastMcpOptions,
  ) {
    const config = options.metrics;
    this.clientIds =
      config && config.clientIdLabel ? new ClientIdLabels(config.maxClientIdLabels) : null;
    this.operationLabels = new OperationLabels(this.clientIds);
  }

  onModuleInit(): void {
    const set = this.metrics.set;
    if (set && this.unsubscribes.length === 0) this.unsubscribes = this.subscribe(set);
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.unsubscribes = [];
  }

  private subscribe(m: FastMcpMetricSet): Array<() => void> {
    const on = this.events.on.bind(this.events);
    return [
      on('retry.scheduled', (e) => {
        m.retryAttempts.inc(this.labels(e, { reason: e.reason }));
        m.retryBackoff.observe(this.labels(e), e.delayMs / 1000);
      }),
      on('retry.withheld', (e) => m.deliveryUnknown.inc(this.labels(e))),
      on('operation.started', (e) => m.inflight.inc(this.operationLabels.of(e).base)),
      on('operation.succeeded', (e) => {
        const labels = this.operationLabels.of(e);
        m.inflight.dec(labels.base);
        m.operations.inc(labels.success);
        m.operationDuration.observe(labels.base, e.durationMs / 1000);
      }),
      on('operation.failed', (e) => {
        const labels = this.operationLabels.of(e);
        m.inflight.dec(labels.base);
        m.operations.inc(labels.error);
        m.operationDuration.observe(labels.base, e.durationMs / 1000);
      }),
      on('dlq.stored', () => m.dlqOperations.inc()),
      // `buffered` is a write's first failure; a later `lost_to_log` of the same write is not new.
      on('dlq.store_failed', (e) => {
        if (e.firstWrite) m.dlqStoreFailures.inc();
      }),
      on('dlq.evicted', (e) => m.dlqEvictions.inc({ reason: e.reason }, e.count)),
      on('dlq.replayed', (e) => m.dlqReplays.inc({ result: e.result })),
      on('dlq.redriven', (e) => m.dlqRedrives.inc({ result: e.result })),
      on('dlq.corrupt_entry', () => m.dlqCorruptEntries.inc()),
      on('ratelimit.waited', (e) =>
        m.rateLimitWait.observe({ server: e.server }, e.waitedMs / 1000),
      ),
      on('bulkhead.queue', (e) => m.bulkheadQueue.set({ server: e.server }, e.queued)),
      on('circuit.transition', (e) => {
        m.circuitState.set({ server: e.server }, CIRCUIT_STATE_VALUES[e.to]);
        m.circuitTransitions.inc({ server: e.server, to: e.to });
      }),
      on('retry.budget_exhausted', (e) => m.retryBudgetExhausted.inc({ server: e.server })),
    ];
  }

  private labels(event: OperationContext, extra?: Labels): Labels {
    const labels: Labels = { operation: event.operation, ...extra };
    if (this.clientIds) labels.client_id = this.clientIds.label(event.clientId);
    return labels;
  }
}

import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { CircuitState, OperationContext } from '../events/fastmcp-events.interface.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { InjectFastMcpOptions } from '../options/inject-fastmcp-options.decorator.js';
import { ClientIdLabels } from './client-id-labels.js';
import type { FastMcpMetricSet } from './create-metric-set.js';
import { OTHER_CLIENT_ID_LABEL } from './fastmcp-metrics.constants.js';
import { FastMcpMetrics } from './fastmcp-metrics.service.js';
import { adderOf } from './metric-tally.js';
import { OperationLabels } from './operation-labels.js';
import { type SharedServerCounters, sharedServerCounters } from './shared-server-counters.js';
import {
  sharedServerGauge,
  sumOf,
  worstOf,
  type SharedServerGauge,
} from './shared-server-gauge.js';

type Labels = Record<string, string>;

/** `fastmcp_circuit_state` values. */
const CIRCUIT_STATE_VALUES = { closed: 0, half_open: 1, open: 2 } as const;
const CIRCUIT_STATES: readonly CircuitState[] = ['closed', 'half_open', 'open'];

/** Turns the module's events into metrics. Does nothing when metrics are off. */
@Injectable()
export class FastMcpMetricsListener implements OnModuleInit, OnApplicationShutdown {
  /** Bounds both labels whose values are client ids: `server`, and `client_id` when it is on. */
  private readonly clientIds: ClientIdLabels;
  private readonly clientIdLabel: boolean;
  private readonly operationLabels: OperationLabels;
  /** Shared with the other modules on the registry: queues add up, the worst circuit shows. */
  private queues: SharedServerGauge | null = null;
  private circuits: SharedServerGauge | null = null;
  private counters: SharedServerCounters | null = null;
  private unsubscribes: Array<() => void> = [];

  constructor(
    private readonly events: FastMcpEvents,
    private readonly metrics: FastMcpMetrics,
    @InjectFastMcpOptions() options: ResolvedFastMcpOptions,
  ) {
    const config = options.metrics;
    this.clientIds = new ClientIdLabels(
      config ? config.maxClientIdLabels : 0,
      Object.keys(options.servers),
    );
    this.clientIdLabel = config ? config.clientIdLabel : false;
    this.operationLabels = new OperationLabels(this.clientIdLabel ? this.clientIds : null);
  }

  onModuleInit(): void {
    const set = this.metrics.set;
    if (set && this.unsubscribes.length === 0) this.unsubscribes = this.subscribe(set);
  }

  /** After the running calls have drained, so their ends are still counted. */
  onApplicationShutdown(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.unsubscribes = [];
    this.queues?.leave(this);
    this.circuits?.leave(this);
    this.counters?.leave(this);
  }

  private subscribe(m: FastMcpMetricSet): Array<() => void> {
    const on = this.events.on.bind(this.events);
    const inflight = adderOf(m.inflight);
    const operations = adderOf(m.operations);
    const queues = (this.queues = sharedServerGauge(m.bulkheadQueue, sumOf));
    const circuits = (this.circuits = sharedServerGauge(m.circuitState, worstOf));
    const counters = (this.counters = sharedServerCounters(m.circuitTransitions, (label) =>
      removeServerSeries(m, label),
    ));
    const serverLabels = (server: string): Labels => {
      const label = this.clientIds.label(server);
      counters.counted(this, label);
      return { server: label };
    };
    return [
      on('retry.scheduled', (e) => {
        m.retryAttempts.inc(this.labels(e, { reason: e.reason }));
        m.retryBackoff.observe(this.labels(e), e.delayMs / 1000);
      }),
      on('operation.started', (e) => inflight.add(this.operationLabels.of(e).base, 1)),
      on('operation.succeeded', (e) => {
        const labels = this.operationLabels.of(e);
        inflight.add(labels.base, -1);
        operations.add(labels.success, 1);
        m.operationDuration.observe(labels.base, e.durationMs / 1000);
      }),
      on('operation.failed', (e) => {
        const labels = this.operationLabels.of(e);
        inflight.add(labels.base, -1);
        operations.add(e.errorClass === 'aborted' ? labels.aborted : labels.error, 1);
        m.operationDuration.observe(labels.base, e.durationMs / 1000);
        if (e.deliveryUnknown) m.deliveryUnknown.inc(this.labels(e));
      }),
      on('dlq.stored', () => m.dlqOperations.inc()),
      on('dlq.deduplicated', () => m.dlqDeduplicated.inc()),
      // `buffered` is a write's first failure; a later `lost_to_log` of the same write is not new.
      on('dlq.store_failed', (e) => {
        if (e.firstWrite) m.dlqStoreFailures.inc();
        if (e.outcome === 'lost_to_log') m.dlqLostToLog.inc();
      }),
      on('dlq.evicted', (e) => m.dlqEvictions.inc({ reason: e.reason }, e.count)),
      on('dlq.replayed', (e) => m.dlqReplays.inc({ result: e.result })),
      on('dlq.redriven', (e) => m.dlqRedrives.inc({ result: e.result })),
      on('dlq.corrupt_entry', () => m.dlqCorruptEntries.inc()),
      on('ratelimit.waited', (e) =>
        m.rateLimitWait.observe(serverLabels(e.server), e.waitedMs / 1000),
      ),
      on('bulkhead.queue', (e) => {
        queues.report(this, this.clientIds.label(e.server), e.server, e.queued);
      }),
      on('circuit.transition', (e) => {
        const { server: label } = serverLabels(e.server);
        circuits.report(this, label, e.server, CIRCUIT_STATE_VALUES[e.to]);
        m.circuitTransitions.inc({ server: label, to: e.to });
      }),
      on('retry.budget_exhausted', (e) => m.retryBudgetExhausted.inc(serverLabels(e.server))),
      on('server.forgotten', (e) => {
        queues.forget(this, e.server);
        circuits.forget(this, e.server);
        if (e.server === OTHER_CLIENT_ID_LABEL) return;
        counters.forget(this, e.server);
        // With client ids as labels too, its `client_id` series stay, and so does its slot.
        if (this.clientIdLabel) this.clientIds.unfold(e.server);
        else this.clientIds.release(e.server);
      }),
    ];
  }

  private labels(event: OperationContext, extra?: Labels): Labels {
    const labels: Labels = { operation: event.operation, ...extra };
    if (this.clientIdLabel) labels.client_id = this.clientIds.label(event.clientId);
    return labels;
  }
}

/**
 * Drops the counter series of a server that is gone, once no module counts into them
 * (SharedServerCounters; none if it was folded into `other`). A client id named `other` shares
 * its series with the folded ones, so they stay. Its gauges' series go once no module reports
 * them (SharedServerGauge).
 */
function removeServerSeries(m: FastMcpMetricSet, server: string): void {
  const labels = { server };
  m.rateLimitWait.remove(labels);
  m.retryBudgetExhausted.remove(labels);
  for (const to of CIRCUIT_STATES) m.circuitTransitions.remove({ ...labels, to });
}

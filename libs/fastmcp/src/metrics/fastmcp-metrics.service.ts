import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { OPERATION_NAMES } from '../events/operation-name.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { InjectFastMcpOptions } from '../options/inject-fastmcp-options.decorator.js';
import {
  createMetricSet,
  removeMetricSet,
  type FastMcpMetricSet,
  type MetricSetConfig,
} from './create-metric-set.js';
import { DlqStatsCache } from './dlq-stats.cache.js';
import { InjectFastMcpMetricsRegistry } from './inject-fastmcp-metrics-registry.decorator.js';

const STATUSES = ['success', 'error', 'aborted'] as const;
const EVICTION_REASONS = ['ttl', 'cap'] as const;
const REPLAY_RESULTS = ['success', 'failure', 'conflict'] as const;
const REDRIVE_RESULTS = ['success', 'failure', 'exhausted', 'held', 'skipped'] as const;

/**
 * Owns the module's metrics in the injected registry: creates them at start-up (none when
 * `metrics: false`) and removes them when the module closes, so a new app can register again.
 */
@Injectable()
export class FastMcpMetrics implements OnApplicationShutdown {
  /** The metrics, or null when metrics are off. */
  readonly set: FastMcpMetricSet | null;
  private readonly namespace: string;

  constructor(
    @InjectFastMcpOptions() options: ResolvedFastMcpOptions,
    @InjectFastMcpMetricsRegistry() private readonly registry: Registry,
    dlqStats: DlqStatsCache,
  ) {
    const metrics = options.metrics;
    this.namespace = metrics ? metrics.namespace : '';
    this.set = metrics ? createAndZero(registry, metrics, dlqStats) : null;
  }

  /** After the running calls have drained: a scrape during the drain still answers. */
  onApplicationShutdown(): void {
    if (this.set) removeMetricSet(this.registry, this.namespace, this.set);
  }
}

function createAndZero(
  registry: Registry,
  config: MetricSetConfig,
  dlqStats: DlqStatsCache,
): FastMcpMetricSet {
  const set = createMetricSet(registry, config, {
    dlqEntries: async (gauge) => {
      const values = await dlqStats.read();
      if (values) gauge.set(values.entries);
    },
    dlqOldestAge: async (gauge) => {
      const values = await dlqStats.read();
      if (values) gauge.set(values.oldestAgeSeconds);
    },
    dlqDueEntries: async (gauge) => {
      const values = await dlqStats.read();
      if (values) gauge.set(values.dueEntries);
    },
    dlqBuffered: (gauge) => gauge.set(dlqStats.bufferedEntries()),
  });
  zeroKnownSeries(set, config.clientIdLabel);
  return set;
}

/** Exposes the known label sets at 0, so rates and ratios exist before the first event. */
function zeroKnownSeries(set: FastMcpMetricSet, clientIdLabel: boolean): void {
  for (const reason of EVICTION_REASONS) set.dlqEvictions.inc({ reason }, 0);
  for (const result of REPLAY_RESULTS) set.dlqReplays.inc({ result }, 0);
  for (const result of REDRIVE_RESULTS) set.dlqRedrives.inc({ result }, 0);
  // With a client_id label the series are only known once a client is seen.
  if (clientIdLabel) return;
  for (const operation of OPERATION_NAMES) {
    for (const status of STATUSES) set.operations.inc({ operation, status }, 0);
    set.inflight.set({ operation }, 0);
  }
}

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import {
  METRIC_DEFINITIONS,
  metricName,
  type MetricDefinition,
  type MetricKey,
  type MetricKind,
} from './metric-definitions.js';

type MetricOf<K extends MetricKind> = K extends 'counter'
  ? Counter<string>
  : K extends 'gauge'
    ? Gauge<string>
    : Histogram<string>;

/** The module's prom-client metrics, by key of `METRIC_DEFINITIONS`. */
export type FastMcpMetricSet = {
  readonly [K in MetricKey]: MetricOf<(typeof METRIC_DEFINITIONS)[K]['kind']>;
};

/** Scrape-time readers of gauges, e.g. the DLQ size. They must never reject. */
export type GaugeCollectors = Partial<Record<MetricKey, (gauge: Gauge<string>) => Promise<void>>>;

export interface MetricSetConfig {
  namespace: string;
  clientIdLabel: boolean;
}

const METRIC_KEYS = Object.keys(METRIC_DEFINITIONS) as MetricKey[];

/**
 * Creates every metric in `registry` only. A name already in the registry fails start-up with a
 * FastMcpConfigError naming each clash: metrics are never silently shared between modules.
 */
export function createMetricSet(
  registry: Registry,
  config: MetricSetConfig,
  collectors: GaugeCollectors = {},
): FastMcpMetricSet {
  assertNoClash(registry, config.namespace);
  const entries = METRIC_KEYS.map((key) => [
    key,
    createMetric(registry, config, METRIC_DEFINITIONS[key], key, collectors[key]),
  ]);
  return Object.fromEntries(entries) as FastMcpMetricSet;
}

/** Removes from `registry` the metrics of `set` (only those still registered as ours). */
export function removeMetricSet(
  registry: Registry,
  namespace: string,
  set: FastMcpMetricSet,
): void {
  for (const key of METRIC_KEYS) {
    const name = metricName(namespace, key);
    if (registry.getSingleMetric(name) === set[key]) registry.removeSingleMetric(name);
  }
}

function assertNoClash(registry: Registry, namespace: string): void {
  const clashes = METRIC_KEYS.map((key) => metricName(namespace, key)).filter(
    (name) => registry.getSingleMetric(name) !== undefined,
  );
  if (clashes.length === 0) return;
  throw new FastMcpConfigError(
    clashes.map((name) => ({
      field: 'metrics.namespace',
      message:
        `metric ${name} is already registered in the metrics registry; give this module its own ` +
        'registry (provide FASTMCP_METRICS_REGISTRY) or a different metrics.namespace',
    })),
  );
}

function createMetric(
  registry: Registry,
  config: MetricSetConfig,
  definition: MetricDefinition,
  key: MetricKey,
  collector: ((gauge: Gauge<string>) => Promise<void>) | undefined,
): Counter<string> | Gauge<string> | Histogram<string> {
  const labelNames = [...definition.labelNames];
  if (definition.perClient && config.clientIdLabel) labelNames.push('client_id');
  const common = {
    name: metricName(config.namespace, key),
    help: definition.help,
    labelNames,
    registers: [registry],
  };
  switch (definition.kind) {
    case 'counter':
      return new Counter(common);
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(definition.buckets ?? [])] });
    case 'gauge':
      return new Gauge({
        ...common,
        ...(collector && {
          collect(this: Gauge<string>) {
            return collector(this);
          },
        }),
      });
  }
}

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { talliedMetric } from './metric-tally.js';
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

/** A scrape-time reader of a gauge, e.g. the DLQ size. It must never reject. */
type GaugeCollector = (gauge: Gauge<string>) => void | Promise<void>;

export type GaugeCollectors = Partial<Record<MetricKey, GaugeCollector>>;

export interface MetricSetConfig {
  namespace: string;
  clientIdLabel: boolean;
}

const METRIC_KEYS = Object.keys(METRIC_DEFINITIONS) as MetricKey[];

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

/**
 * How many metric sets use each metric: a second module on the same registry (two
 * FastMcpModule instances on prom-client's default one) reuses the first's metrics, and the
 * last one to close removes them. Keyed by the metric objects, so it holds nothing of its own.
 */
const users = new WeakMap<object, number>();

/** The metrics a set created; one the app registered itself is never removed by a module. */
const created = new WeakSet<object>();

/**
 * The collectors of the sets sharing each gauge, oldest first: the oldest still open is the one
 * read, so a gauge never reads the DLQ of a module that has closed.
 */
const sharedCollectors = new WeakMap<object, GaugeCollector[]>();
/** The collectors each set added, to take back out when it is removed. */
const collectorsOfSet = new WeakMap<object, GaugeCollectors>();

/**
 * Creates every metric in `registry` only, or reuses one already there with the same name,
 * type, labels (and buckets): two modules on one registry then count into the same metrics.
 * A name taken by a different metric fails start-up with a FastMcpConfigError naming each clash.
 */
export function createMetricSet(
  registry: Registry,
  config: MetricSetConfig,
  collectors: GaugeCollectors = {},
): FastMcpMetricSet {
  const existing = new Map<MetricKey, AnyMetric>();
  for (const key of METRIC_KEYS) {
    const metric = registry.getSingleMetric(metricName(config.namespace, key));
    if (metric) existing.set(key, metric as AnyMetric);
  }
  assertNoClash(config, existing);
  const entries = METRIC_KEYS.map((key) => {
    let metric = existing.get(key);
    if (!metric) {
      metric = createMetric(registry, config, METRIC_DEFINITIONS[key], key, collectors[key]);
      created.add(metric);
    }
    users.set(metric, (users.get(metric) ?? 0) + 1);
    const collector = collectors[key];
    if (collector)
      sharedCollectors.set(metric, [...(sharedCollectors.get(metric) ?? []), collector]);
    return [key, metric];
  });
  const set = Object.fromEntries(entries) as FastMcpMetricSet;
  collectorsOfSet.set(set, collectors);
  return set;
}

/** Removes from `registry` the metrics a set created that no other set uses (and still ours). */
export function removeMetricSet(
  registry: Registry,
  namespace: string,
  set: FastMcpMetricSet,
): void {
  const collectors = collectorsOfSet.get(set) ?? {};
  for (const key of METRIC_KEYS) {
    const metric = set[key];
    const own = collectors[key];
    const shared = sharedCollectors.get(metric);
    if (own && shared)
      sharedCollectors.set(
        metric,
        shared.filter((c) => c !== own),
      );
    const left = (users.get(metric) ?? 1) - 1;
    if (left > 0) {
      users.set(metric, left);
      continue;
    }
    users.delete(metric);
    const name = metricName(namespace, key);
    if (created.has(metric) && registry.getSingleMetric(name) === metric) {
      registry.removeSingleMetric(name);
    }
  }
}

function assertNoClash(config: MetricSetConfig, existing: ReadonlyMap<MetricKey, AnyMetric>): void {
  const clashes = [...existing]
    .filter(
      ([key, metric]) => !sameShape(metric, METRIC_DEFINITIONS[key], labelNamesOf(config, key)),
    )
    .map(([key]) => metricName(config.namespace, key));
  if (clashes.length === 0) return;
  throw new FastMcpConfigError(
    clashes.map((name) => ({
      field: 'metrics.namespace',
      message:
        `metric ${name} is already registered in the metrics registry with another type or ` +
        'labels; give this module its own registry (provide FASTMCP_METRICS_REGISTRY) or a ' +
        'different metrics.namespace',
    })),
  );
}

/** Internals prom-client keeps on every metric (and `upperBounds` on histograms). */
interface MetricShape {
  labelNames?: readonly string[];
  upperBounds?: readonly number[];
}

function sameShape(metric: AnyMetric, definition: MetricDefinition, labelNames: string[]): boolean {
  const kindMatches =
    definition.kind === 'counter'
      ? metric instanceof Counter
      : definition.kind === 'gauge'
        ? metric instanceof Gauge
        : metric instanceof Histogram;
  const shape = metric as unknown as MetricShape;
  const sameList = (a: readonly unknown[] = [], b: readonly unknown[] = []): boolean =>
    a.length === b.length && a.every((value, i) => value === b[i]);
  return (
    kindMatches &&
    sameList([...(shape.labelNames ?? [])].sort(), [...labelNames].sort()) &&
    (definition.kind !== 'histogram' || sameList(shape.upperBounds, definition.buckets))
  );
}

function labelNamesOf(config: MetricSetConfig, key: MetricKey): string[] {
  const definition: MetricDefinition = METRIC_DEFINITIONS[key];
  const labelNames = [...definition.labelNames];
  if (definition.perClient && config.clientIdLabel) labelNames.push('client_id');
  return labelNames;
}

function createMetric(
  registry: Registry,
  config: MetricSetConfig,
  definition: MetricDefinition,
  key: MetricKey,
  collector: GaugeCollector | undefined,
): AnyMetric {
  const labelNames = labelNamesOf(config, key);
  const common = {
    name: metricName(config.namespace, key),
    help: definition.help,
    labelNames,
    registers: [registry],
  };
  switch (definition.kind) {
    case 'counter':
      if (definition.tallied) {
        return talliedMetric((collect) => new Counter({ ...common, collect }), 'counter');
      }
      return new Counter(common);
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(definition.buckets ?? [])] });
    case 'gauge':
      if (definition.tallied) {
        return talliedMetric((collect) => new Gauge({ ...common, collect }), 'gauge');
      }
      return new Gauge({
        ...common,
        ...(collector && {
          collect(this: Gauge<string>) {
            return sharedCollectors.get(this)?.[0]?.(this);
          },
        }),
      });
  }
}

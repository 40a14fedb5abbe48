/**
 * The prom-client `Registry` the metrics are created in. Default: prom-client's global `register`
 * (what `@willsoto/nestjs-prometheus` serves on `/metrics`). Override it per module with
 * `FastMcpModule.forRoot({ extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useValue: reg }] })`.
 */
export const FASTMCP_METRICS_REGISTRY = Symbol('FastMcp:MetricsRegistry');

/** Clock (`() => epoch ms`) used to age the cached DLQ stats. Default `Date.now`. */
export const FASTMCP_METRICS_CLOCK = Symbol('FastMcp:MetricsClock');

/** How long one DLQ `getStats()` answer serves scrapes, in ms. */
export const DLQ_STATS_CACHE_MS = 5_000;

/**
 * Buckets of `<ns>_retry_backoff_seconds`: up to the 5-minute call budget, which a server's
 * `Retry-After` may ask for (the policy's own delays stop at 33 s: 30 s and its jitter).
 */
export const RETRY_BACKOFF_BUCKETS: readonly number[] = [
  0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];

/** Buckets of `<ns>_operation_duration_seconds`. */
export const OPERATION_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];

/**
 * Buckets of `<ns>_ratelimit_wait_seconds`: a token at 100/s is 10 ms away; a full queue at the
 * 1/s floor is minutes away, up to the 5-minute call budget that ends it.
 */
export const RATE_LIMIT_WAIT_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];

/** The `client_id` value of client ids past `metrics.maxClientIdLabels`. */
export const OTHER_CLIENT_ID_LABEL = 'other';

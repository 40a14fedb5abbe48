/** The prom-client Registry /metrics serves and FastMcpModule records into. */
export const METRICS_REGISTRY = Symbol('Sample:MetricsRegistry');

import {
  OPERATION_DURATION_BUCKETS,
  RATE_LIMIT_WAIT_BUCKETS,
  RETRY_BACKOFF_BUCKETS,
} from './fastmcp-metrics.constants.js';

export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  /** The name after `<namespace>_`. */
  readonly suffix: string;
  readonly kind: MetricKind;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** True when `metrics.clientIdLabel` adds a `client_id` label. */
  readonly perClient: boolean;
  readonly buckets?: readonly number[];
  /** True for the per-operation series: counted in a `MetricTally`, written in when read. */
  readonly tallied?: boolean;
}

/** Every metric of the module: the seed's five, the DLQ and in-flight ones, then the pipeline's. */
export const METRIC_DEFINITIONS = {
  retryAttempts: {
    suffix: 'retry_attempts_total',
    kind: 'counter',
    help: 'Retries scheduled, by operation and the error class that caused them.',
    labelNames: ['operation', 'reason'],
    perClient: true,
  },
  retryBackoff: {
    suffix: 'retry_backoff_seconds',
    kind: 'histogram',
    help: 'Delay waited before a retry, in seconds.',
    labelNames: ['operation'],
    perClient: true,
    buckets: RETRY_BACKOFF_BUCKETS,
  },
  deliveryUnknown: {
    suffix: 'delivery_unknown_total',
    kind: 'counter',
    help: 'Calls that failed after they may have reached the server and were not re-sent.',
    labelNames: ['operation'],
    perClient: true,
  },
  operations: {
    suffix: 'operations_total',
    kind: 'counter',
    help: 'Operations finished, by operation and status (success, error or aborted by the caller), retries included.',
    labelNames: ['operation', 'status'],
    perClient: true,
    tallied: true,
  },
  operationDuration: {
    suffix: 'operation_duration_seconds',
    kind: 'histogram',
    help: 'Duration of an operation, retries and waits included, in seconds.',
    labelNames: ['operation'],
    perClient: true,
    buckets: OPERATION_DURATION_BUCKETS,
  },
  dlqOperations: {
    suffix: 'dlq_operations_total',
    kind: 'counter',
    help: 'Failed operations stored in the dead-letter queue.',
    labelNames: [],
    perClient: false,
  },
  dlqDeduplicated: {
    suffix: 'dlq_deduplicated_total',
    kind: 'counter',
    help: 'Failures folded into a recent dead-letter entry of the same failure (its occurrences raised) instead of stored anew.',
    labelNames: [],
    perClient: false,
  },
  inflight: {
    suffix: 'inflight_operations',
    kind: 'gauge',
    help: 'Operations started and not finished yet.',
    labelNames: ['operation'],
    perClient: true,
    tallied: true,
  },
  dlqEntries: {
    suffix: 'dlq_entries',
    kind: 'gauge',
    help: 'Entries in the dead-letter queue, read from the store at scrape time (cached up to 5 s).',
    labelNames: [],
    perClient: false,
  },
  dlqOldestAge: {
    suffix: 'dlq_oldest_entry_age_seconds',
    kind: 'gauge',
    help: 'Age of the oldest dead-letter entry in seconds (0 when empty), read at scrape time.',
    labelNames: [],
    perClient: false,
  },
  dlqDueEntries: {
    suffix: 'dlq_due_entries',
    kind: 'gauge',
    help: 'Dead-letter entries an automatic redrive policy waits to replay, read at scrape time.',
    labelNames: [],
    perClient: false,
  },
  dlqBuffered: {
    suffix: 'dlq_buffered_entries',
    kind: 'gauge',
    help: 'Dead letters held in memory until the store answers again (the write buffer), read at scrape time.',
    labelNames: [],
    perClient: false,
  },
  dlqRedrives: {
    suffix: 'dlq_redrives_total',
    kind: 'counter',
    help: 'Automatic redrives, by result (success, failure, exhausted, held, skipped).',
    labelNames: ['result'],
    perClient: false,
  },
  dlqStoreFailures: {
    suffix: 'dlq_store_failures_total',
    kind: 'counter',
    help: 'Dead-letter writes that could not reach the store at first.',
    labelNames: [],
    perClient: false,
  },
  dlqLostToLog: {
    suffix: 'dlq_lost_to_log_total',
    kind: 'counter',
    help: 'Dead letters that could be neither stored nor buffered, written in full to the log at ERROR instead.',
    labelNames: [],
    perClient: false,
  },
  dlqEvictions: {
    suffix: 'dlq_evictions_total',
    kind: 'counter',
    help: 'Dead-letter entries evicted, by reason (ttl or cap).',
    labelNames: ['reason'],
    perClient: false,
  },
  dlqReplays: {
    suffix: 'dlq_replays_total',
    kind: 'counter',
    help: 'Dead-letter replays, by result (success, failure or conflict).',
    labelNames: ['result'],
    perClient: false,
  },
  rateLimitWait: {
    suffix: 'ratelimit_wait_seconds',
    kind: 'histogram',
    help: "Time an attempt waited for its server's rate limit or bulkhead, in seconds (waits only).",
    labelNames: ['server'],
    perClient: false,
    buckets: RATE_LIMIT_WAIT_BUCKETS,
  },
  bulkheadQueue: {
    suffix: 'bulkhead_queue',
    kind: 'gauge',
    help: "Attempts waiting in their server's rate limit and bulkhead queue.",
    labelNames: ['server'],
    perClient: false,
  },
  circuitState: {
    suffix: 'circuit_state',
    kind: 'gauge',
    help: "State of a server's circuit breaker: 0 closed, 1 half-open, 2 open.",
    labelNames: ['server'],
    perClient: false,
  },
  circuitTransitions: {
    suffix: 'circuit_transitions_total',
    kind: 'counter',
    help: "Changes of a server's circuit breaker state, by the state entered.",
    labelNames: ['server', 'to'],
    perClient: false,
  },
  retryBudgetExhausted: {
    suffix: 'retry_budget_exhausted_total',
    kind: 'counter',
    help: "Retries not made because the server's retry budget was empty.",
    labelNames: ['server'],
    perClient: false,
  },
  dlqCorruptEntries: {
    suffix: 'dlq_corrupt_entries_total',
    kind: 'counter',
    help: 'Dead-letter entries skipped because the store holds a value that is not JSON (once per entry).',
    labelNames: [],
    perClient: false,
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRIC_DEFINITIONS;

/** The full metric name, e.g. `fastmcp_retry_attempts_total`. */
export const metricName = (namespace: string, key: MetricKey): string =>
  `${namespace}_${METRIC_DEFINITIONS[key].suffix}`;

import type { DeadLetterKind } from './dlq-options.interface.js';
import type { RetryOptions } from './retry-options.interface.js';

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxRetries: 3,
  initialDelayMs: 100,
  multiplier: 2,
  maxDelayMs: 30_000,
  jitter: 0.1,
  totalTimeoutMs: 300_000,
  requestTimeoutMs: 30_000,
  retryableStatusCodes: [429, 500, 502, 503, 504],
  notDeliveredStatusCodes: [429, 503],
  ambiguousToolCalls: 'when-safe',
});

export const ALL_DEAD_LETTER_KINDS: readonly DeadLetterKind[] = [
  'retries_exhausted',
  'budget_exhausted',
  'http',
  'transport',
  'timeout',
  'protocol',
  'auth',
  'delivery_unknown',
  'circuit_open',
  'rate_limited',
  'shutdown',
];

export const DEFAULT_DLQ_OPTIONS = Object.freeze({
  keyPrefix: 'fastmcp:dlq',
  ttlMs: 7 * 24 * 60 * 60 * 1000,
  maxEntries: 100_000,
  maxArgumentBytes: 256 * 1024,
  bufferSize: 1000,
  replayLeaseMs: 60_000,
  dedupWindowMs: 5 * 60_000,
  redriveIntervalMs: 5000,
});

/** How long calls still running at shutdown may take to finish, in ms. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** The DLQ spill file's name, in the working directory. */
export const DEFAULT_DLQ_SPILL_FILE = 'fastmcp-dlq-spill.jsonl';

export const DEFAULT_METRICS_OPTIONS = Object.freeze({
  namespace: 'fastmcp',
  clientIdLabel: false,
  maxClientIdLabels: 20,
});

export const DEFAULT_CLIENT_INFO = Object.freeze({ name: 'nestjs-fastmcp', version: '0.1.0' });

export const DEFAULT_RESPONSE_LIMITS = Object.freeze({
  maxResponseBytes: 32 * 1024 * 1024,
  maxBufferedResponseBytes: 256 * 1024 * 1024,
});

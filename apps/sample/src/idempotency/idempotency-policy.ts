import { resolveOptions, type RetryOptionsInput } from '@app/fastmcp';
import type { SampleConfig } from '../config/sample-config.interface.js';

/** Time past a call's retry budget before its running record says "did not finish". */
const RUNNING_MARGIN_MS = 60_000;

/** How long Idempotency-Key records live, and how long a call can run before it counts as lost. */
export class IdempotencyPolicy {
  /** IDEMPOTENCY_TTL_MS: how long a key is remembered. */
  readonly ttlMs: number;
  /** The longest a call can take: the largest retry budget, the shutdown grace, a margin. */
  readonly runningMs: number;

  constructor(config: SampleConfig) {
    this.ttlMs = config.idempotencyTtlMs;
    const resolved = resolveOptions({
      servers: config.servers,
      retry: config.retry,
      shutdownGraceMs: config.shutdownGraceMs,
      dlq: false,
      metrics: false,
    });
    const budgets = [
      resolved.retry.totalTimeoutMs,
      ...budgetsOf(config.retry),
      ...Object.values(config.servers).flatMap((server) => budgetsOf(server.retry)),
    ];
    this.runningMs = Math.max(...budgets) + resolved.shutdownGraceMs + RUNNING_MARGIN_MS;
  }
}

/** Every call budget a retry option sets: its own, and its per-operation ones. */
function budgetsOf(retry: RetryOptionsInput | undefined): number[] {
  const operations = Object.values(retry?.operations ?? {});
  return [
    retry?.totalTimeoutMs,
    ...operations.map((operation) => operation?.totalTimeoutMs),
  ].filter((budget): budget is number => typeof budget === 'number');
}

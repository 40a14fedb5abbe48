import type { ResolvedFastMcpOptions, RetryOptionsInput } from '@app/fastmcp';

/** Time past a call's retry budget before its running record says "did not finish". */
const RUNNING_MARGIN_MS = 60_000;

/** How long Idempotency-Key records live, and how long a call can run before it counts as lost. */
export class IdempotencyPolicy {
  /** The longest a call can take: the largest retry budget, the shutdown grace, a margin. */
  readonly runningMs: number;

  /**
   * @param ttlMs IDEMPOTENCY_TTL_MS: how long a key is remembered.
   * @param options the module's options, as it resolved them.
   */
  constructor(
    readonly ttlMs: number,
    options: ResolvedFastMcpOptions,
  ) {
    const budgets = [
      ...budgetsOf({ ...options.retry, operations: options.retryOperations }),
      ...Object.values(options.servers).flatMap((server) => budgetsOf(server.retry)),
    ];
    this.runningMs = Math.max(...budgets) + options.shutdownGraceMs + RUNNING_MARGIN_MS;
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

import type { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { OperationName } from '../events/operation-name.js';
import type { RetryOptions } from '../options/retry-options.interface.js';
import type { ServerPipeline } from '../pipeline/server-pipeline.js';
import type { OperationTrace } from '../tracing/operation-tracer.interface.js';
import type { Clock } from './clock.js';

/** What a `RetryRun` is made from: one operation's policy, time, bounds and listeners. */
export interface RetryRunInit {
  operation: OperationName;
  clientId: string;
  policy: Readonly<RetryOptions>;
  clock: Clock;
  events: FastMcpEvents;
  /** The caller's signal: aborting it stops the call at once, without retry. */
  signal?: AbortSignal;
  /** The call's total budget, retries included (never more than `policy.totalTimeoutMs`). */
  timeoutMs?: number;
  /** One attempt only: the failure is thrown as it is, never wrapped in RetryExhaustedError. */
  singleAttempt?: boolean;
  /** The server's attempt pipeline (breaker, retry budget, rate limit). Default: none. */
  pipeline?: ServerPipeline;
  /** The tool of a `tools/call`, named when a retry is withheld. */
  toolName?: string;
  /**
   * Whether the request may be sent again after a failure that may have reached the server,
   * under the call's `ambiguousToolCalls`. Absent: always (safe operations). Asked at decision
   * time.
   */
  safeToRepeat?: (ambiguousToolCalls: RetryOptions['ambiguousToolCalls']) => boolean;
  /** The operation's span, when it is traced: each request starts its attempt's span there. */
  trace?: OperationTrace;
}

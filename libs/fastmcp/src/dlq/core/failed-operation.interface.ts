import type { RepeatRule } from './repeat-rule.js';
import type { ErrorClass } from '../../events/fastmcp-events.interface.js';
import type { DlqOperationName } from '../../events/operation-name.js';

/** How urgent an entry is: redrive and bulk replay take high before normal before low. */
export type DlqPriority = 'high' | 'normal' | 'low';

/** Every priority, most urgent first. */
export const DLQ_PRIORITIES: readonly DlqPriority[] = ['high', 'normal', 'low'];

/** One attempt of a failed operation, as the DLQ keeps it. */
export interface AttemptRecord {
  /** ISO time the attempt started. */
  at: string;
  durationMs: number;
  /** HTTP status, when the server answered. */
  status?: number;
  /** JSON-RPC error code, when the server answered with one. */
  code?: number;
  errorClass: ErrorClass;
  /** Capped at 2 KiB. */
  message: string;
}

/** The request that failed, enough to replay it. Secret headers are redacted. */
export interface FailedRequest {
  method: string;
  params?: Record<string, unknown>;
  headers: Record<string, string>;
}

/** What the client hands to the DLQ; the store assigns identity, expiry and replay state. */
export interface FailedOperationInput {
  operation: DlqOperationName;
  clientId: string;
  serverUrl: string;
  /**
   * The protocol era of the failed request (`modern`: 2026-07-28, `legacy`: 2025), when a
   * connection was open. Informative: a replay speaks whatever era the server speaks then.
   */
  protocolEra?: 'legacy' | 'modern';
  toolName?: string;
  arguments?: Record<string, unknown>;
  request: FailedRequest;
  /** Short summary, e.g. `max retries exceeded` or `HTTP 400: bad request`. */
  error: string;
  errorClass: ErrorClass;
  attempts: AttemptRecord[];
  retryCount: number;
  /** ISO time of the first attempt. */
  firstAttemptAt: string;
  /** ISO time of the final failure. */
  failedAt: string;
  /**
   * True when the call failed after it may have reached the server (McpDeliveryUnknownError):
   * the tool may already have run, so a replay needs `force`.
   */
  deliveryUnknown?: boolean;
  /** A `tools/call`'s own `notDeliveredStatusCodes` / `ambiguousToolCalls`: its replay keeps to them. */
  repeatRule?: RepeatRule;
  /** From `opts.priority` or the tool's config (`servers.*.tools.*.priority`). Default `normal`. */
  priority?: DlqPriority;
  /**
   * The W3C `traceparent` of the failed operation's span, when it was traced: a replay's span
   * links to it. Never sent with a replay, which has a trace of its own.
   */
  traceparent?: string;
}

export type FailedOperationStatus = 'dead' | 'replaying';

/** One dead-letter entry. */
export interface FailedOperation extends FailedOperationInput {
  /** Unique and time-sortable. */
  id: string;
  /** True when `arguments` were larger than `dlq.maxArgumentBytes` and were capped. */
  argumentsTruncated?: boolean;
  /** ISO time after which retention removes the entry. */
  expiresAt: string;
  replayCount: number;
  status: FailedOperationStatus;
  priority: DlqPriority;
  /** How often this failure happened within the dedup window (absent: once). */
  occurrences?: number;
  /** ISO time of the latest of those failures (absent: `failedAt`). */
  lastFailedAt?: string;
  /** Automatic redrives tried so far. */
  redriveCount?: number;
  /** ISO time of the next automatic redrive, while a redrive policy matches the entry. */
  nextRedriveAt?: string;
  /** Set when the entry used up its policy's `maxRedrives`: it stays dead until an operator acts. */
  redriveExhausted?: boolean;
}

import type { OperationName } from './operation-name.js';

/**
 * Error classes, used as the metrics' `reason` label and the DLQ's `errorClass`:
 * `http_<status>`, `timeout`, `socket_wait`, `network`, `stream_cut`, `session_lost`,
 * `protocol_<code>`, `budget_exhausted`, `response_too_large`, `url_elicitation_required`, `auth`,
 * `delivery_unknown`, `circuit_open`, `rate_limited`, `aborted`, `disconnected`, `shutdown`,
 * `unknown` (`retry/classify-error.ts`).
 */
export type ErrorClass = string;

export interface OperationContext {
  operation: OperationName;
  clientId: string;
}

export interface OperationStartedEvent extends OperationContext {
  startedAt: number;
}

export interface AttemptFailedEvent extends OperationContext {
  /** 1 for the first attempt. */
  attempt: number;
  errorClass: ErrorClass;
  error: string;
  retryable: boolean;
  durationMs: number;
}

export interface RetryScheduledEvent extends OperationContext {
  /** 1 for the first retry. */
  retry: number;
  maxRetries: number;
  delayMs: number;
  /** The error class that caused the retry. */
  reason: ErrorClass;
  error: string;
  cumulativeMs: number;
}

/** A retry not made because the call may already have run (McpDeliveryUnknownError). */
export interface RetryWithheldEvent extends OperationContext {
  toolName?: string;
  /** The failure after which delivery is unknown, e.g. `HTTP 502`. */
  error: string;
}

export interface OperationSucceededEvent extends OperationContext {
  durationMs: number;
  attempts: number;
}

export interface OperationFailedEvent extends OperationContext {
  durationMs: number;
  attempts: number;
  errorClass: ErrorClass;
  error: string;
  /** True when every retry was used up (the "Max retries exceeded" case). */
  retriesExhausted: boolean;
  /** True when the call may have run (its dead letter is marked `deliveryUnknown`). */
  deliveryUnknown: boolean;
}

export interface DlqStoredEvent extends OperationContext {
  id: string;
  error: string;
  errorClass: ErrorClass;
}

export interface DlqStoreFailedEvent extends OperationContext {
  error: string;
  /** `buffered`: held for a later write; `lost_to_log`: written to the log as the last resort. */
  outcome: 'buffered' | 'lost_to_log';
  /** True when this is the entry's first failed write (not a buffered entry lost at shutdown). */
  firstWrite: boolean;
}

export interface DlqFlushedEvent {
  count: number;
}

export interface DlqEvictedEvent {
  reason: 'ttl' | 'cap';
  count: number;
}

/** A stored entry that could not be read (not JSON): skipped by reads, raised once per key. */
export interface DlqCorruptEntryEvent {
  /** The store's key of the entry, e.g. `{fastmcp:dlq}:e:<id>`. */
  key: string;
}

export interface DlqReplayedEvent {
  id: string;
  result: 'success' | 'failure' | 'conflict';
}

/** A failure folded into a recent DLQ entry of the same failure (dedup). */
export interface DlqDeduplicatedEvent {
  id: string;
  operation: OperationName;
  clientId: string;
  /** The entry's occurrences now. */
  occurrences: number;
}

/** An automatic redrive of a DLQ entry ended. */
export interface DlqRedrivenEvent {
  id: string;
  clientId: string;
  /** `exhausted`: failed and used up `maxRedrives` (the entry stays, marked); `held`: the server's circuit is open or its rate limit has a queue; `skipped`: another instance has it. */
  result: 'success' | 'failure' | 'exhausted' | 'held' | 'skipped';
}

/** A server's `notifications/progress` for a request of this client. */
export interface ServerProgressEvent {
  clientId: string;
  progressToken: string | number;
  progress: number;
  total?: number;
  message?: string;
}

/** A server's `notifications/message` (a log line the server sent). */
export interface ServerMessageEvent {
  clientId: string;
  level: string;
  logger?: string;
  data: unknown;
}

/**
 * A server said its tool list changed (`notifications/tools/list_changed`): the client id's last
 * listing is forgotten, so no stale `outputSchema` checks a result and the next `listTools` lists.
 */
export interface ServerToolsChangedEvent {
  clientId: string;
}

/**
 * `notifications/resources/list_changed` or `notifications/prompts/list_changed`: a listing the
 * app keeps is out of date, and the next `listResourcesWithRetry`/`listPromptsWithRetry` lists anew.
 */
export interface ServerListChangedEvent {
  clientId: string;
}

/**
 * A resource the client id subscribed to changed on the server
 * (`notifications/resources/updated`): read it again for its new contents.
 */
export interface ServerResourceUpdatedEvent {
  clientId: string;
  /** The resource's URI as the server sent it (scrubbed of the request's secrets). */
  uri: string;
}

/**
 * A server said a url elicitation is complete (`notifications/elicitation/complete`, 2025-11-25):
 * raised once, and only for an id whose `accept` the client id's elicitation handler sent (not
 * yet completed, within the last 1,000 of the client id and 24 hours); others are ignored.
 */
export interface ServerElicitationCompleteEvent {
  clientId: string;
  /** The id as the handler accepted it. */
  elicitationId: string;
}

/** A request the server sent to the client, and how it was answered. */
export interface ServerRequestEvent {
  clientId: string;
  method: string;
  /**
   * `handled`, `unsupported` (-32601 sent), `failed` (the handler threw; -32603 sent) or
   * `dropped` (not answered: the stream already had its limit of requests being answered, or
   * it is a 2026-07-28 response stream, which may carry no request).
   */
  outcome: 'handled' | 'unsupported' | 'failed' | 'dropped';
}

export type CircuitState = 'closed' | 'half_open' | 'open';

/** A server's circuit breaker changed state. */
export interface CircuitTransitionEvent {
  server: string;
  from: CircuitState;
  to: CircuitState;
}

/** A retry was not made because the server's retry budget was empty. */
export interface RetryBudgetExhaustedEvent extends OperationContext {
  server: string;
}

/** An attempt waited for the server's rate limit (or bulkhead) before going out. */
export interface RateLimitWaitedEvent {
  server: string;
  waitedMs: number;
}

/** How many attempts wait in a server's bulkhead queue now. */
export interface BulkheadQueueEvent {
  server: string;
  queued: number;
}

/**
 * A server given to `connect*` (not in `servers`) was disconnected: its pipeline (breaker,
 * budgets, rate limit) is gone, a later connect starts afresh.
 */
export interface ServerForgottenEvent {
  server: string;
}

export interface FastMcpEventMap {
  'operation.started': OperationStartedEvent;
  'attempt.failed': AttemptFailedEvent;
  'retry.scheduled': RetryScheduledEvent;
  'retry.withheld': RetryWithheldEvent;
  'operation.succeeded': OperationSucceededEvent;
  'operation.failed': OperationFailedEvent;
  'dlq.stored': DlqStoredEvent;
  'dlq.store_failed': DlqStoreFailedEvent;
  'dlq.flushed': DlqFlushedEvent;
  'dlq.evicted': DlqEvictedEvent;
  'dlq.replayed': DlqReplayedEvent;
  'dlq.corrupt_entry': DlqCorruptEntryEvent;
  'dlq.deduplicated': DlqDeduplicatedEvent;
  'dlq.redriven': DlqRedrivenEvent;
  'server.progress': ServerProgressEvent;
  'server.message': ServerMessageEvent;
  'server.request': ServerRequestEvent;
  'server.tools_changed': ServerToolsChangedEvent;
  'server.resources_changed': ServerListChangedEvent;
  'server.prompts_changed': ServerListChangedEvent;
  'server.resource_updated': ServerResourceUpdatedEvent;
  'server.elicitation_complete': ServerElicitationCompleteEvent;
  'circuit.transition': CircuitTransitionEvent;
  'retry.budget_exhausted': RetryBudgetExhaustedEvent;
  'ratelimit.waited': RateLimitWaitedEvent;
  'bulkhead.queue': BulkheadQueueEvent;
  'server.forgotten': ServerForgottenEvent;
}

export type FastMcpEventName = keyof FastMcpEventMap;

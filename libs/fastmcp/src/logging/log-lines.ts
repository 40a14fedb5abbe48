import type {
  OperationFailedEvent,
  RetryScheduledEvent,
  RetryWithheldEvent,
  CircuitTransitionEvent,
  RetryBudgetExhaustedEvent,
} from '../events/fastmcp-events.interface.js';

/** Longest error text put in a log line; server messages can be long. */
const MAX_ERROR_CHARS = 500;

/** `Retry 2/3 for call_tool after 220ms (error: HTTP 503, cumulative time: 350ms)` */
export function retryScheduledLine(e: RetryScheduledEvent): string {
  return (
    `Retry ${e.retry}/${e.maxRetries} for ${e.operation} after ${Math.round(e.delayMs)}ms ` +
    `(error: ${cap(e.error)}, cumulative time: ${Math.round(e.cumulativeMs)}ms)`
  );
}

/** `Max retries exceeded for connect (total time: 1.2s, last error: HTTP 503)` */
export function retriesExhaustedLine(e: OperationFailedEvent): string {
  return (
    `Max retries exceeded for ${e.operation} ` +
    `(total time: ${(e.durationMs / 1000).toFixed(1)}s, last error: ${cap(e.error)})`
  );
}

/** `Operation call_tool failed for client github (error: HTTP 400, attempts: 1)` */
export function operationFailedLine(e: OperationFailedEvent): string {
  return (
    `Operation ${e.operation} failed for client ${e.clientId} ` +
    `(error: ${cap(e.error)}, attempts: ${e.attempts})`
  );
}

/** `Retry withheld for call_tool (tool: pay, delivery unknown after HTTP 502)` */
export function retryWithheldLine(e: RetryWithheldEvent): string {
  const tool = e.toolName ? `tool: ${e.toolName}, ` : '';
  return `Retry withheld for ${e.operation} (${tool}delivery unknown after ${cap(e.error)})`;
}

/** `Circuit for github: closed -> open` */
export function circuitTransitionLine(e: CircuitTransitionEvent): string {
  return `Circuit for ${e.server}: ${e.from} -> ${e.to}`;
}

/** `Retry budget of github is empty: no retry for call_tool` */
export function retryBudgetExhaustedLine(e: RetryBudgetExhaustedEvent): string {
  return `Retry budget of ${e.server} is empty: no retry for ${e.operation}`;
}

/** Structured fields of a retry line, for JSON log pipelines. */
export function retryScheduledFields(e: RetryScheduledEvent): Record<string, unknown> {
  return {
    event: 'retry.scheduled',
    clientId: e.clientId,
    operation: e.operation,
    attempt: e.retry,
    retry: e.retry,
    maxRetries: e.maxRetries,
    delayMs: Math.round(e.delayMs),
    cumulativeMs: Math.round(e.cumulativeMs),
    errorClass: e.reason,
  };
}

/** Structured fields of a failure line, for JSON log pipelines. */
export function operationFailedFields(e: OperationFailedEvent): Record<string, unknown> {
  return {
    event: 'operation.failed',
    clientId: e.clientId,
    operation: e.operation,
    attempt: e.attempts,
    durationMs: Math.round(e.durationMs),
    errorClass: e.errorClass,
    retriesExhausted: e.retriesExhausted,
  };
}

function cap(text: string): string {
  return text.length <= MAX_ERROR_CHARS ? text : `${text.slice(0, MAX_ERROR_CHARS)}...`;
}

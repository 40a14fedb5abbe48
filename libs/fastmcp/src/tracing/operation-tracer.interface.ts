import type { OperationName } from '../events/operation-name.js';

/**
 * The seam between the call path and tracing. The runner and the transport ask these
 * interfaces; only `tracing/otel-*.ts` knows OpenTelemetry, so nothing in the call path imports
 * `@opentelemetry/api`. A tracer that does not record (no provider registered, tracing off)
 * returns no trace, and the call path then does no tracing work at all.
 */
export interface OperationTracer {
  /** Starts the span of one operation under the caller's active context; undefined: not traced. */
  start(operation: TracedOperation): OperationTrace | undefined;
  /** The trace of the operation whose call path is running now (for event listeners). */
  current(): OperationTrace | undefined;
  /**
   * Runs `work` outside the caller's trace: background work a request started (a bulk replay
   * job) gets traces of its own rather than joining the request's, which ended long before.
   */
  detached<T>(work: () => T): T;
}

export interface TracedOperation {
  operation: OperationName;
  clientId: string;
  /** The JSON-RPC method the operation sends, e.g. `tools/call`. */
  method: string;
  toolName?: string;
  /** The dead-letter entry this run replays, if it is a replay. */
  replayOf?: string;
  /** The `traceparent` of the operation that entry failed in: the replay's span links to it. */
  replayedTrace?: string;
}

/** Where a request goes and what it is, for the attempt's span. */
export interface TracedRequest {
  method: string;
  requestId: string | number;
  url: string;
  toolName?: string;
  sessionId?: string;
  protocolVersion?: string;
}

export type TraceAttributes = Record<string, string | number | boolean | undefined>;

export interface OperationTraceEnd {
  /** The final error, when the operation failed. */
  error?: unknown;
  /** The value, when it succeeded (a tool result with `isError` is a tool error). */
  value?: unknown;
  attempts: number;
  retries: number;
  sessionId?: string;
  protocolVersion?: string;
}

/** The span of one operation. */
export interface OperationTrace {
  /** The span's W3C `traceparent`, kept with a dead letter so that its replay can link back. */
  readonly traceparent: string;
  /** Starts the span of one attempt (one request sent), a child of the operation's. */
  attempt(request: TracedRequest): AttemptTrace;
  /** Adds an event (a retry, a breaker transition, a DLQ write) to the operation's span. */
  event(name: string, attributes: TraceAttributes): void;
  /** Runs the operation's call path with this trace as `current()`. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  end(outcome: OperationTraceEnd): void;
}

/** The span of one attempt: the request's trace context, its answer, its end. */
export interface AttemptTrace {
  /** Trace-context fields (W3C `traceparent`, `tracestate`) sent in `_meta` and as headers. */
  readonly carrier: Readonly<Record<string, string>>;
  /** The HTTP status of the answer, and the session id it named. */
  responded(status: number, sessionId?: string): void;
  /** Ends the span: with the error of a failed attempt, or the result of an answered one. */
  end(outcome: { error?: unknown; result?: Record<string, unknown> }): void;
}

/** Token of the module's OperationTracer. */
export const FASTMCP_TRACER = Symbol('FastMcp:Tracer');

/** The tracer of a module with tracing off or without `@opentelemetry/api`: traces nothing. */
export const NOOP_TRACER: OperationTracer = {
  start: () => undefined,
  current: () => undefined,
  detached: (work) => work(),
};

import type { RetryRun } from '../retry/retry-run.js';
import type { AttemptTrace } from '../tracing/operation-tracer.interface.js';
import type { HttpTarget } from './http-target.interface.js';
import type { UpstreamText } from './upstream-text.js';

/**
 * Starts the span of one request when its operation is traced. Its trace context goes out twice,
 * as OpenTelemetry's MCP conventions and HTTP both ask: in `params._meta` and as headers.
 */
export function traceAttempt(
  run: RetryRun,
  target: HttpTarget,
  method: string,
  requestId: number,
  params: Record<string, unknown> | undefined,
): AttemptTrace | undefined {
  return run.trace?.attempt({
    method,
    requestId,
    url: target.url,
    toolName: method === 'tools/call' ? stringField(params, 'name') : undefined,
    sessionId: target.traceSessionId,
    protocolVersion:
      target.protocolVersion ??
      (method === 'initialize' ? stringField(params, 'protocolVersion') : undefined),
  });
}

/**
 * The session id as a span may show it: the server chose it, and one that echoes a secret of the
 * request (a gateway keying sessions by the caller's API key) is left out of the trace.
 */
export function traceableSessionId(
  sessionId: string | undefined,
  upstream: UpstreamText,
): string | undefined {
  return sessionId !== undefined && upstream.scrub(sessionId) === sessionId ? sessionId : undefined;
}

/** `params` with the attempt's trace context in `_meta` (a copy: the caller's stays as it is). */
export function withTraceMeta(
  params: Record<string, unknown> | undefined,
  attempt: AttemptTrace | undefined,
): Record<string, unknown> | undefined {
  if (!attempt || Object.keys(attempt.carrier).length === 0) return params;
  const meta = (params?._meta ?? {}) as Record<string, unknown>;
  // Object.assign, not spreads: on Node 20 a spread followed by keys costs about 1.5 us a key.
  return Object.assign({}, params, { _meta: Object.assign({}, meta, attempt.carrier) });
}

/** The request's headers with the attempt's trace context added. */
export function withTraceHeaders(
  headers: Record<string, string>,
  attempt: AttemptTrace | undefined,
): Record<string, string> {
  return attempt ? Object.assign({}, headers, attempt.carrier) : headers;
}

function stringField(params: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = params?.[key];
  return typeof value === 'string' ? value : undefined;
}

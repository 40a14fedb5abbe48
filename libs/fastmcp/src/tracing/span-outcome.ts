import type * as otel from '@opentelemetry/api';
import { definedAttributes, isToolError, spanError, TOOL_ERROR } from './trace-attributes.js';

/**
 * Marks a span with how its work ended: a failure's `error.type`, codes and ERROR status, or
 * `tool_error` for an `isError` tool result. A success leaves the status unset.
 */
export function recordOutcome(
  api: typeof otel,
  span: otel.Span,
  error: unknown,
  value: unknown,
): void {
  if (error !== undefined) {
    const failure = spanError(error);
    span.setAttributes(definedAttributes(failure.attributes));
    span.setAttribute('error.type', failure.type);
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: failure.message });
  } else if (isToolError(value)) {
    span.setAttribute('error.type', TOOL_ERROR);
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: TOOL_ERROR });
  }
}

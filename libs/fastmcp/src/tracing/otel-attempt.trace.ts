import type * as otel from '@opentelemetry/api';
import type { AttemptTrace } from './operation-tracer.interface.js';
import { definedAttributes, isToolError, spanError, TOOL_ERROR } from './trace-attributes.js';

/** One attempt's OpenTelemetry span; its context is what the request carries to the server. */
export class OtelAttemptTrace implements AttemptTrace {
  readonly carrier: Record<string, string> = {};
  private ended = false;

  constructor(
    private readonly api: typeof otel,
    private readonly span: otel.Span,
    parent: otel.Context,
  ) {
    api.propagation.inject(api.trace.setSpan(parent, span), this.carrier);
  }

  responded(status: number, sessionId?: string): void {
    this.span.setAttribute('http.response.status_code', status);
    if (sessionId) this.span.setAttribute('mcp.session.id', sessionId);
  }

  end({ error, result }: { error?: unknown; result?: Record<string, unknown> }): void {
    if (this.ended) return;
    this.ended = true;
    if (error !== undefined) {
      const failure = spanError(error);
      this.span.setAttributes(definedAttributes(failure.attributes));
      this.span.setAttribute('error.type', failure.type);
      this.span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: failure.message });
    } else if (isToolError(result)) {
      this.span.setAttribute('error.type', TOOL_ERROR);
      this.span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: TOOL_ERROR });
    }
    this.span.end();
  }
}

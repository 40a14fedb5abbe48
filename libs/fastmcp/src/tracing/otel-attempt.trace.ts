import type * as otel from '@opentelemetry/api';
import type { AttemptTrace } from './operation-tracer.interface.js';
import { recordOutcome } from './span-outcome.js';

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
    recordOutcome(this.api, this.span, error, result);
    this.span.end();
  }
}

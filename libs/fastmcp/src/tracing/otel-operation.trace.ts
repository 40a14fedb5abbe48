import type { AsyncLocalStorage } from 'node:async_hooks';
import type * as otel from '@opentelemetry/api';
import type {
  AttemptTrace,
  OperationTrace,
  OperationTraceEnd,
  TraceAttributes,
  TracedRequest,
} from './operation-tracer.interface.js';
import { OtelAttemptTrace } from './otel-attempt.trace.js';
import { formatTraceparent } from './traceparent.js';
import { recordOutcome } from './span-outcome.js';
import { definedAttributes, requestAttributes, spanName } from './trace-attributes.js';

/** One operation's OpenTelemetry span: parent of its attempts' spans, holder of its events. */
export class OtelOperationTrace implements OperationTrace {
  private attempts = 0;
  private ended = false;

  constructor(
    private readonly api: typeof otel,
    private readonly tracer: otel.Tracer,
    private readonly span: otel.Span,
    /** The caller's context the operation started in. */
    private readonly parent: otel.Context,
    private readonly scope: AsyncLocalStorage<OperationTrace>,
  ) {}

  get traceparent(): string {
    return formatTraceparent(this.span.spanContext());
  }

  attempt(request: TracedRequest): AttemptTrace {
    this.attempts += 1;
    const context = this.api.trace.setSpan(this.parent, this.span);
    const span = this.tracer.startSpan(
      spanName(request.method, request.toolName),
      {
        kind: this.api.SpanKind.CLIENT,
        attributes: definedAttributes(requestAttributes(request, this.attempts)),
      },
      context,
    );
    return new OtelAttemptTrace(this.api, span, context);
  }

  event(name: string, attributes: TraceAttributes): void {
    if (!this.ended) this.span.addEvent(name, definedAttributes(attributes));
  }

  /**
   * Runs the operation with its span active: spans started inside it (an instrumented HTTP
   * library's, a progress handler's) are its children.
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const active = this.api.trace.setSpan(this.parent, this.span);
    return this.api.context.with(active, () => this.scope.run(this, fn));
  }

  end(outcome: OperationTraceEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.span.setAttributes(
      definedAttributes({
        'fastmcp.attempts': outcome.attempts,
        'fastmcp.retries': outcome.retries,
        'mcp.session.id': outcome.sessionId,
        'mcp.protocol.version': outcome.protocolVersion,
      }),
    );
    recordOutcome(this.api, this.span, outcome.error, outcome.value);
    this.span.end();
  }
}

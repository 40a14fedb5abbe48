import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  type InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Registers what an app with OpenTelemetry would: a provider exporting to `exporter`, W3C propagation, async context. */
export function registerOtel(exporter: InMemorySpanExporter, ...more: SpanProcessor[]): void {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), ...more] }),
  );
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

export function unregisterOtel(): void {
  trace.disable();
  propagation.disable();
  context.disable();
}

/** The sampled W3C `traceparent` of a span. */
export const traceparentOf = (span: ReadableSpan): string =>
  `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

/** The names of spans started and not (yet) ended: a span never ended is never exported. */
export class OpenSpans implements SpanProcessor {
  private readonly open = new Set<Span>();

  names(): string[] {
    return [...this.open].map((span) => span.name);
  }

  onStart(span: Span): void {
    this.open.add(span);
  }

  onEnd(span: ReadableSpan): void {
    this.open.delete(span as Span);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

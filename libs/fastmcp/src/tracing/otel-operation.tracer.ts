import { AsyncLocalStorage } from 'node:async_hooks';
import type * as otel from '@opentelemetry/api';
import type {
  OperationTrace,
  OperationTracer,
  TracedOperation,
} from './operation-tracer.interface.js';
import { OtelOperationTrace } from './otel-operation.trace.js';
import { definedAttributes, spanName } from './trace-attributes.js';
import { parseTraceparent } from './traceparent.js';

/**
 * Spans through `@opentelemetry/api` only: whatever provider, sampler and propagator the app
 * registered. With none registered the operation's span does not record and has no context, so
 * `start` returns undefined and the call goes on untraced; unless the caller's context holds a
 * trace (a propagator extracted it): the API's span then carries that context, which the call's
 * requests forward unchanged, as OpenTelemetry does without an SDK.
 */
export class OtelOperationTracer implements OperationTracer {
  private readonly scope = new AsyncLocalStorage<OperationTrace>();
  private readonly tracer: otel.Tracer;

  constructor(
    private readonly api: typeof otel,
    version: string,
  ) {
    // A ProxyTracer: a provider registered later is used from then on.
    this.tracer = api.trace.getTracer('nestjs-fastmcp', version);
  }

  start(operation: TracedOperation): OperationTrace | undefined {
    const parent = this.api.context.active();
    const name = spanName(operation.operation, operation.toolName);
    const span = operation.replayOf
      ? this.tracer.startSpan(
          `replay ${name}`,
          { links: this.linkTo(operation.replayedTrace) },
          parent,
        )
      : this.tracer.startSpan(name, {}, parent);
    // Not recording with a valid context: a sampler chose not to sample. The context still goes
    // out (sampled=0), or a server would start a sampled trace of its own for this call.
    const sampledOut = this.api.trace.isSpanContextValid(span.spanContext());
    if (!span.isRecording() && !sampledOut) return undefined;
    span.setAttributes(
      definedAttributes({
        'mcp.method.name': operation.method,
        'gen_ai.tool.name': operation.toolName,
        'gen_ai.operation.name': operation.operation === 'call_tool' ? 'execute_tool' : undefined,
        'fastmcp.operation': operation.operation,
        'fastmcp.client_id': operation.clientId,
        'fastmcp.replay.entry_id': operation.replayOf,
      }),
    );
    return new OtelOperationTrace(this.api, this.tracer, span, parent, this.scope);
  }

  /** A link to the span a dead letter failed in (it ended long ago, in another trace). */
  private linkTo(traceparent: string | undefined): otel.Link[] {
    const fields = parseTraceparent(traceparent);
    return fields ? [{ context: { ...fields, isRemote: true } }] : [];
  }

  current(): OperationTrace | undefined {
    return this.scope.getStore();
  }

  detached<T>(work: () => T): T {
    return this.api.context.with(this.api.ROOT_CONTEXT, () => this.scope.exit(work));
  }
}

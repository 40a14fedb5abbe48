import type { Provider } from '@nestjs/common';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import { DEFAULT_CLIENT_INFO } from '../options/fastmcp-options.defaults.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { FastMcpTraceListener } from './fastmcp-trace.listener.js';
import { FASTMCP_TRACER, NOOP_TRACER, type OperationTracer } from './operation-tracer.interface.js';
import { OtelOperationTracer } from './otel-operation.tracer.js';

/**
 * The tracer: OpenTelemetry's API when `tracing` is on and `@opentelemetry/api` is installed
 * (an optional peer dependency, loaded here only), else one that traces nothing.
 */
async function createTracer(options: ResolvedFastMcpOptions): Promise<OperationTracer> {
  if (!options.tracing) return NOOP_TRACER;
  try {
    const api = await import('@opentelemetry/api');
    return new OtelOperationTracer(api, DEFAULT_CLIENT_INFO.version);
  } catch {
    return NOOP_TRACER;
  }
}

export const tracingProviders: Provider[] = [
  { provide: FASTMCP_TRACER, useFactory: createTracer, inject: [FASTMCP_RESOLVED_OPTIONS] },
  FastMcpTraceListener,
];

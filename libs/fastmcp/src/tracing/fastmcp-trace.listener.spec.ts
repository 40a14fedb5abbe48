import * as api from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { FastMcpTraceListener } from './fastmcp-trace.listener.js';
import { OtelOperationTracer } from './otel-operation.tracer.js';

describe('FastMcpTraceListener', () => {
  const exporter = new InMemorySpanExporter();
  const events = new FastMcpEvents();
  const tracer = new OtelOperationTracer(api, 'test');
  const listener = new FastMcpTraceListener(events, tracer);
  const context = { operation: 'call_tool', clientId: 'github' } as const;

  beforeAll(() => {
    api.trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    listener.onModuleInit();
  });

  afterAll(() => {
    listener.onApplicationShutdown();
    api.trace.disable();
  });

  it('records the events raised inside an operation on its span, and none outside it', async () => {
    const trace = tracer.start({ ...context, method: 'tools/call', toolName: 'pay' });
    expect(trace).toBeDefined();
    events.emit('circuit.transition', { server: 'github', from: 'open', to: 'half_open' });
    await trace!.run(async () => {
      await Promise.resolve();
      events.emit('retry.withheld', { ...context, toolName: 'pay', error: 'HTTP 502' });
      events.emit('circuit.transition', { server: 'github', from: 'closed', to: 'open' });
      events.emit('retry.budget_exhausted', { ...context, server: 'github' });
      events.emit('ratelimit.waited', { server: 'github', waitedMs: 12 });
    });
    trace!.end({ attempts: 1, retries: 0, error: new Error('boom') });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('call_tool pay');
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['fastmcp.retry.withheld', { 'gen_ai.tool.name': 'pay', 'fastmcp.error': 'HTTP 502' }],
      [
        'fastmcp.circuit.transition',
        {
          'fastmcp.server': 'github',
          'fastmcp.circuit.from': 'closed',
          'fastmcp.circuit.to': 'open',
        },
      ],
      ['fastmcp.retry_budget.exhausted', { 'fastmcp.server': 'github' }],
      [
        'fastmcp.rate_limit.waited',
        { 'fastmcp.server': 'github', 'fastmcp.rate_limit.waited_ms': 12 },
      ],
    ]);
    expect(span?.attributes['error.type']).toBe('unknown');
  });
});

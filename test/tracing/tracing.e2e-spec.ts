// OpenTelemetry spans of the client, recorded by the SDK's in-memory exporter, against an
// official-SDK server behind the fault proxy.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CircuitOpenError,
  DeadLetterQueueService,
  DlqBulkReplayService,
  DlqReplayService,
  FastMcpConfigError,
  RetryExhaustedError,
} from '@app/fastmcp';
import { failedInput } from '../support/dlq/dlq-test-context.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  OpenSpans,
  registerOtel,
  traceparentOf,
  unregisterOtel,
} from '../support/otel-test-provider.js';
import { startTraceMetaServer, type TraceMetaServer } from '../support/trace-meta-server.js';

const CALL = { method: 'tools/call' } as const;
const SERVERS = (url: string) =>
  ({ traced: { url, tools: { echo: { retry: 'always' } } } }) as const;

const idOf = (span: ReadableSpan): string => span.spanContext().spanId;

describe('tracing with a provider registered', () => {
  const exporter = new InMemorySpanExporter();
  const open = new OpenSpans();
  let server: TraceMetaServer;
  let proxy: FaultProxy;
  let app: ClientTestApp;

  const spanNamed = (name: string): ReadableSpan => {
    const found = exporter.getFinishedSpans().filter((s) => s.name === name);
    expect(found, `spans named ${name}`).toHaveLength(1);
    return found[0];
  };
  const childrenOf = (parent: ReadableSpan): ReadableSpan[] =>
    exporter.getFinishedSpans().filter((s) => s.parentSpanContext?.spanId === idOf(parent));
  /** Runs `fn` under an active span of the caller's own, as an app handling a request would. */
  const asCaller = <T>(fn: () => Promise<T>): Promise<T> =>
    trace.getTracer('test').startActiveSpan('caller', async (span) => {
      try {
        return await fn();
      } finally {
        span.end();
      }
    });

  beforeAll(async () => {
    registerOtel(exporter, open);
    server = await startTraceMetaServer();
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({ servers: SERVERS(proxy.url), dlq: {} });
    await app.client.connectWithRetry('traced');
  });

  afterEach(() => {
    exporter.reset();
    proxy.clear();
    proxy.clearRequests();
    server.received.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
    unregisterOtel();
  });

  it('traces a call that retried twice and succeeded: the operation under the caller, one span per attempt, retries as events', async () => {
    proxy.inject({ match: CALL, fault: faults.status(503), times: 2 });
    const result = await asCaller(() =>
      app.client.callToolWithRetry('traced', 'echo', { text: 'hi' }),
    );
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);

    const caller = spanNamed('caller');
    const operation = spanNamed('call_tool echo');
    expect(operation.parentSpanContext?.spanId).toBe(idOf(caller));
    expect(operation.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(operation.status.code).toBe(SpanStatusCode.UNSET);
    const sessionId = app.client.getSession('traced')?.sessionId;
    expect(sessionId).toBeTruthy();
    expect(operation.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.protocol.version': '2025-11-25',
      'mcp.session.id': sessionId,
      'fastmcp.client_id': 'traced',
      'fastmcp.attempts': 3,
      'fastmcp.retries': 2,
    });
    expect(operation.attributes['error.type']).toBeUndefined();

    const retries = operation.events.filter((e) => e.name === 'fastmcp.retry');
    expect(
      retries.map((e) => [
        e.attributes?.['fastmcp.retry.number'],
        e.attributes?.['fastmcp.retry.reason'],
      ]),
    ).toEqual([
      [1, 'http_503'],
      [2, 'http_503'],
    ]);
    for (const retry of retries) {
      expect(retry.attributes?.['fastmcp.backoff.delay_ms']).toBeGreaterThan(0);
    }

    const attempts = childrenOf(operation);
    expect(
      attempts.map((s) => [
        s.name,
        s.kind,
        s.attributes['fastmcp.attempt'],
        s.attributes['http.response.status_code'],
        s.attributes['error.type'],
        s.status.code,
      ]),
    ).toEqual([
      ['tools/call echo', SpanKind.CLIENT, 1, 503, '503', SpanStatusCode.ERROR],
      ['tools/call echo', SpanKind.CLIENT, 2, 503, '503', SpanStatusCode.ERROR],
      ['tools/call echo', SpanKind.CLIENT, 3, 200, undefined, SpanStatusCode.UNSET],
    ]);
    expect(attempts[2].attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'mcp.session.id': sessionId,
      'mcp.protocol.version': '2025-11-25',
      'http.request.method': 'POST',
      'network.protocol.name': 'http',
      'server.address': '127.0.0.1',
      'server.port': proxy.port,
      'url.full': proxy.url,
    });
    // Each attempt is a new JSON-RPC request.
    expect(new Set(attempts.map((s) => s.attributes['jsonrpc.request.id'])).size).toBe(3);
  });

  it('sends the attempt span as the traceparent, in params._meta and in the HTTP header', async () => {
    await asCaller(() => app.client.callToolWithRetry('traced', 'echo', { text: 'meta' }));
    const [attempt] = childrenOf(spanNamed('call_tool echo'));
    expect(server.received).toEqual([
      {
        tool: 'echo',
        metaTraceparent: traceparentOf(attempt),
        headerTraceparent: traceparentOf(attempt),
      },
    ]);
  });

  it('traces a call that ended in the DLQ: four failed attempts, three retries, the DLQ write; then its replay', async () => {
    proxy.inject({ match: CALL, fault: faults.status(503), times: 4 });
    const error = await app.client
      .callToolWithRetry('traced', 'echo', { text: 'lost' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryExhaustedError);
    const dlq = app.moduleRef.get(DeadLetterQueueService);
    const [entry] = (await dlq.list()).items;
    expect(entry).toBeDefined();
    // The trace context went with the requests, never into the entry that a replay re-sends.
    expect(entry.request.params).toEqual({ name: 'echo', arguments: { text: 'lost' } });

    const operation = spanNamed('call_tool echo');
    expect(operation.parentSpanContext).toBeUndefined();
    expect(operation.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation.attributes).toMatchObject({
      'error.type': '503',
      'http.response.status_code': 503,
      'fastmcp.attempts': 4,
      'fastmcp.retries': 3,
    });
    expect(operation.events.map((e) => e.name)).toEqual([
      'fastmcp.retry',
      'fastmcp.retry',
      'fastmcp.retry',
      'fastmcp.dlq.stored',
    ]);
    expect(operation.events[3].attributes).toEqual({
      'fastmcp.dlq.entry_id': entry.id,
      'fastmcp.dlq.error_class': 'http_503',
    });
    const attempts = childrenOf(operation);
    expect(attempts.map((s) => s.attributes['error.type'])).toEqual(['503', '503', '503', '503']);
    // The entry keeps the operation span's context, for its replay to link back to.
    const failed = operation.spanContext();
    expect(entry.traceparent).toBe(`00-${failed.traceId}-${failed.spanId}-01`);

    exporter.reset();
    await app.moduleRef.get(DlqReplayService).replay(entry.id);
    const replay = spanNamed('replay call_tool echo');
    expect(replay.attributes).toMatchObject({
      'fastmcp.replay.entry_id': entry.id,
      'gen_ai.tool.name': 'echo',
      'fastmcp.attempts': 1,
    });
    expect(childrenOf(replay).map((s) => [s.name, s.status.code])).toEqual([
      ['tools/call echo', SpanStatusCode.UNSET],
    ]);
    // A trace of its own (the failed one ended long ago), linked to the span that failed.
    expect(replay.spanContext().traceId).not.toBe(failed.traceId);
    expect(replay.links.map((link) => [link.context.traceId, link.context.spanId])).toEqual([
      [failed.traceId, failed.spanId],
    ]);
  });

  it('gives the replay of an entry stored without a trace no link', async () => {
    const dlq = app.moduleRef.get(DeadLetterQueueService);
    const stored = await dlq.store(
      failedInput({
        clientId: 'traced',
        toolName: 'echo',
        arguments: { text: 'untraced' },
        request: { method: 'tools/call', headers: {} },
      }),
    );
    expect(stored.traceparent).toBeUndefined();
    await app.moduleRef.get(DlqReplayService).replay(stored.id);
    expect(spanNamed('replay call_tool echo').links).toEqual([]);
  });

  it('refuses a replay of an entry with a bad repeatRule or signal before its span starts: a typed error, no span left open', async () => {
    proxy.inject({ match: CALL, fault: faults.status(503), times: 4 });
    await app.client.callToolWithRetry('traced', 'echo', { text: 'bad' }).catch(() => undefined);
    const dlq = app.moduleRef.get(DeadLetterQueueService);
    const [entry] = (await dlq.list()).items;
    expect(entry).toBeDefined();
    exporter.reset();
    const badRule = { ...entry, repeatRule: { ambiguousToolCalls: 'sometimes' } } as never;
    await expect(app.client.replay(badRule)).rejects.toThrow(FastMcpConfigError);
    const notASignal = {} as AbortSignal;
    await expect(app.client.replay(entry, notASignal)).rejects.toThrow(
      /opts\.signal: must be an AbortSignal/,
    );
    expect(open.names()).toEqual([]);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call')).toHaveLength(4);
    await dlq.delete(entry.id);
  });

  it('records the HTTP status on an attempt whose answer ended the session: 404, error.type=session_lost', async () => {
    proxy.inject({ match: CALL, fault: faults.dropSession(), times: 1 });
    await app.client.callToolWithRetry('traced', 'echo', { text: 'again' });
    const attempts = childrenOf(spanNamed('call_tool echo'));
    expect(
      attempts.map((s) => [
        s.name,
        s.attributes['http.response.status_code'],
        s.attributes['error.type'],
      ]),
    ).toEqual([
      ['tools/call echo', 404, 'session_lost'],
      ['initialize', 200, undefined],
      ['tools/call echo', 200, undefined],
    ]);
  });

  it("sends the cancel of an interrupted call with that attempt's trace context, in _meta and the header", async () => {
    proxy.inject({ match: CALL, fault: faults.hang(), times: 1 });
    const caller = new AbortController();
    const call = app.client
      .callToolWithRetry('traced', 'echo', { text: 'hung' }, { signal: caller.signal })
      .catch((e: unknown) => e);
    await vi.waitFor(
      () => expect(proxy.requests.some((r) => r.jsonRpcMethod === 'tools/call')).toBe(true),
      { timeout: 30_000 },
    );
    caller.abort();
    await call;
    const cancel = await vi.waitFor(
      () => {
        const found = proxy.requests.find((r) => r.jsonRpcMethod === 'notifications/cancelled');
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 30_000 },
    );
    proxy.releaseHung();
    const [attempt] = childrenOf(spanNamed('call_tool echo'));
    const sent = JSON.parse(cancel.body) as { params: { _meta?: Record<string, unknown> } };
    expect(sent.params._meta?.traceparent).toBe(traceparentOf(attempt));
    expect(cancel.headers.traceparent).toBe(traceparentOf(attempt));
  });

  it('gives a request the breaker refused no attempt span: it was never sent', async () => {
    const guarded = await startClientApp({
      servers: {
        traced: {
          ...SERVERS(proxy.url).traced,
          resilience: { circuitBreaker: { consecutiveFailures: 1, openMs: 60_000 } },
        },
      },
      dlq: false,
    });
    try {
      await guarded.client.connectWithRetry('traced');
      exporter.reset();
      proxy.clearRequests();
      proxy.inject({ match: CALL, fault: faults.status(503), times: 1 });
      const error = await guarded.client
        .callToolWithRetry('traced', 'echo', { text: 'refused' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call')).toHaveLength(1);
      const attempts = childrenOf(spanNamed('call_tool echo'));
      expect(attempts.map((span) => span.attributes['error.type'])).toEqual(['503']);
    } finally {
      await guarded.close();
    }
  });

  it('runs a bulk replay job in traces of its own, not in the request that started it', async () => {
    proxy.inject({ match: CALL, fault: faults.status(503), times: 4 });
    await app.client.callToolWithRetry('traced', 'echo', { text: 'bulk' }).catch(() => undefined);
    exporter.reset();
    const jobs = app.moduleRef.get(DlqBulkReplayService);
    const job = await asCaller(() => jobs.start({ ratePerSecond: 1000 }));
    await jobs.settled(job.id);

    const caller = spanNamed('caller');
    const replay = spanNamed('replay call_tool echo');
    expect(replay.parentSpanContext).toBeUndefined();
    expect(replay.spanContext().traceId).not.toBe(caller.spanContext().traceId);
  });

  it("handles the server's requests on the session's GET stream in traces of their own, not in the call that opened the session", async () => {
    const handled: ReadableSpan[] = [];
    const listening = await startClientApp({
      servers: { traced: { url: server.url } },
      handlers: {
        roots: () =>
          trace.getTracer('test').startActiveSpan('roots handler', (span) => {
            span.end();
            handled.push(span as unknown as ReadableSpan);
            return { roots: [] };
          }),
      },
      dlq: false,
    });
    try {
      // The call opens the session, and with it the GET stream, under the caller's span.
      await asCaller(() => listening.client.callToolWithRetry('traced', 'echo', { text: 'open' }));
      const caller = spanNamed('caller');
      // Asked again until the GET stream is open: a request sent before that finds no stream.
      await vi.waitFor(() => server.askRoots(2000), { timeout: 30_000, interval: 100 });
      expect(handled.length).toBeGreaterThan(0);
      for (const span of handled) {
        expect(span.parentSpanContext).toBeUndefined();
        expect(span.spanContext().traceId).not.toBe(caller.spanContext().traceId);
      }
    } finally {
      await listening.close();
    }
  });

  it('sends the context of a call the sampler left out, unsampled, and records no span', async () => {
    const parent = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 0,
      isRemote: true,
    };
    await context.with(trace.setSpanContext(context.active(), parent), () =>
      app.client.callToolWithRetry('traced', 'echo', { text: 'unsampled' }),
    );
    expect(exporter.getFinishedSpans()).toEqual([]);
    const unsampled = new RegExp(`^00-${parent.traceId}-[0-9a-f]{16}-00$`);
    expect(server.received).toEqual([
      {
        tool: 'echo',
        metaTraceparent: expect.stringMatching(unsampled) as string,
        headerTraceparent: expect.stringMatching(unsampled) as string,
      },
    ]);
    expect(server.received[0].metaTraceparent).not.toContain(parent.spanId);
  });

  it('marks a tool result with isError as error.type=tool_error', async () => {
    const result = await app.client.callToolWithRetry('traced', 'broken');
    expect(result.isError).toBe(true);
    const operation = spanNamed('call_tool broken');
    const [attempt] = childrenOf(operation);
    for (const span of [operation, attempt]) {
      expect(span.attributes['error.type']).toBe('tool_error');
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    }
  });

  it('makes the operation span active while the call runs, so work it starts (progress handlers, instrumented libraries) nests under it', async () => {
    let activeInProgress: string | undefined;
    await asCaller(() =>
      app.client.callToolWithRetry('traced', 'progress', undefined, {
        onProgress: () => {
          activeInProgress = trace.getActiveSpan()?.spanContext().spanId;
        },
      }),
    );
    expect(activeInProgress).toBe(idOf(spanNamed('call_tool progress')));
  });

  it("leaves the spans untouched by an onProgress that throws: the call goes on, the caller's text stays out", async () => {
    const token = 'sk-live-0123456789abcdef';
    const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      await app.client.callToolWithRetry('traced', 'progress', undefined, {
        onProgress: () => {
          throw new TypeError(`handler failed with Bearer ${token}`);
        },
      });
      const logged = errors.mock.calls.map((call) => String(call[0]));
      expect(logged).toContainEqual(
        'onProgress of call_tool on traced threw (TypeError: handler failed with Bearer [REDACTED]); the call goes on',
      );
      expect(logged.join('\n')).not.toContain(token);
    } finally {
      errors.mockRestore();
    }
    const operation = spanNamed('call_tool progress');
    const [attempt, ...more] = childrenOf(operation);
    expect(more).toEqual([]);
    expect(operation.status.code).not.toBe(SpanStatusCode.ERROR);
    for (const span of [operation, attempt]) {
      expect(JSON.stringify([span.status, span.attributes, span.events])).not.toContain(token);
    }
  });

  it("ends the era probe's span without error when a 2025 server refuses server/discover: that is its answer", async () => {
    exporter.reset();
    const fresh = await startClientApp({ servers: SERVERS(server.url), dlq: false });
    try {
      await fresh.client.connectWithRetry('traced');
    } finally {
      await fresh.close();
    }
    const connect = spanNamed('connect');
    expect(childrenOf(connect).map((s) => s.name)).toEqual(['server/discover', 'initialize']);
    const probe = spanNamed('server/discover');
    expect(probe.attributes['http.response.status_code']).toBe(400);
    expect(probe.attributes['error.type']).toBeUndefined();
    expect(probe.status.code).toBe(SpanStatusCode.UNSET);
    expect(connect.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('traces connect and list_tools, the handshake as an initialize attempt', async () => {
    await app.client.disconnect('traced');
    await app.client.listToolsWithRetry('traced');
    const operation = spanNamed('list_tools');
    // The handshake's request is an attempt span, numbered with the rest, not counted as a try.
    expect(childrenOf(operation).map((s) => [s.name, s.attributes['fastmcp.attempt']])).toEqual([
      ['initialize', 1],
      ['tools/list', 2],
    ]);
    expect(operation.attributes['fastmcp.attempts']).toBe(1);
    const [initialize] = childrenOf(operation);
    expect(initialize.attributes).toMatchObject({
      'mcp.method.name': 'initialize',
      'mcp.protocol.version': '2025-11-25',
    });
    expect(initialize.attributes['mcp.session.id']).toBe(
      app.client.getSession('traced')?.sessionId,
    );
  });
});

describe('tracing without a provider, or turned off', () => {
  let server: TraceMetaServer;

  beforeAll(async () => {
    server = await startTraceMetaServer();
  });

  afterEach(() => {
    server.received.length = 0;
    unregisterOtel();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('makes no span and sends no trace context when no provider is registered', async () => {
    // A propagator and a context manager, but no tracer provider: nothing records.
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const app = await startClientApp({ servers: SERVERS(server.url) });
    try {
      await app.client.callToolWithRetry('traced', 'echo', { text: 'dark' });
      // A provider registered afterwards sees nothing of the call that went before it.
      const exporter = new InMemorySpanExporter();
      registerOtel(exporter);
      expect(exporter.getFinishedSpans()).toEqual([]);
      expect(server.received).toEqual([
        { tool: 'echo', metaTraceparent: undefined, headerTraceparent: undefined },
      ]);
    } finally {
      await app.close();
    }
  });

  it("forwards the caller's trace context unchanged, and makes no span, with a propagator but no provider", async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const app = await startClientApp({ servers: SERVERS(server.url) });
    try {
      const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const extracted = propagation.extract(ROOT_CONTEXT, { traceparent: incoming });
      await context.with(extracted, () =>
        app.client.callToolWithRetry('traced', 'echo', { text: 'passed through' }),
      );
      expect(server.received).toEqual([
        { tool: 'echo', metaTraceparent: incoming, headerTraceparent: incoming },
      ]);
    } finally {
      await app.close();
    }
  });

  it('makes no span with tracing: false, even with a provider registered', async () => {
    const exporter = new InMemorySpanExporter();
    registerOtel(exporter);
    const app = await startClientApp({ servers: SERVERS(server.url), tracing: false });
    try {
      await app.client.callToolWithRetry('traced', 'echo', { text: 'off' });
      expect(exporter.getFinishedSpans()).toEqual([]);
      expect(server.received[0]?.metaTraceparent).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

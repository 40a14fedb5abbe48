// The span attribute mcp.session.id shows what the server chose. A gateway that keys sessions by
// the caller's API key hands that key back as the session id: it stays out of the trace.
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { registerOtel, unregisterOtel } from '../support/otel-test-provider.js';
import { startTraceMetaServer, type TraceMetaServer } from '../support/trace-meta-server.js';

const API_KEY = 'Key-0123456789-abcdef';

let server: TraceMetaServer | undefined;
let app: ClientTestApp | undefined;
afterEach(async () => {
  await app?.close();
  await server?.close();
  unregisterOtel();
  server = app = undefined;
});

it('leaves out of every span a session id that echoes a configured header value', async () => {
  const exporter = new InMemorySpanExporter();
  registerOtel(exporter);
  server = await startTraceMetaServer(() => API_KEY);
  app = await startClientApp({
    dlq: false,
    servers: { keyed: { url: server.url, headers: { 'x-api-key': API_KEY } } },
  });

  await app.client.connectWithRetry('keyed');
  const result = await app.client.callToolWithRetry('keyed', 'echo', { text: 'hi' });

  expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
  expect(app.client.getSession('keyed')?.sessionId).toBe(API_KEY);
  const spans = exporter.getFinishedSpans();
  expect(spans.map((s) => s.name).sort()).toEqual([
    'call_tool echo',
    'connect',
    'initialize',
    'server/discover',
    'tools/call echo',
  ]);
  for (const span of spans) {
    expect(span.attributes['mcp.session.id'], span.name).toBeUndefined();
    expect(JSON.stringify([span.attributes, span.events, span.status])).not.toContain(API_KEY);
  }
});

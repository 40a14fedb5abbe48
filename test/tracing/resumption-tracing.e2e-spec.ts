// A resumed SSE answer belongs to the attempt whose POST it answers: the resuming GET carries
// that attempt's trace context, so the server's spans of the GET join the same trace.
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { registerOtel, traceparentOf, unregisterOtel } from '../support/otel-test-provider.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';

describe('tracing a resumed stream', () => {
  const exporter = new InMemorySpanExporter();
  let server: ProtocolSdkServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;

  beforeAll(async () => {
    registerOtel(exporter);
    server = await startProtocolSdkServer({ retryIntervalMs: 50 });
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({ servers: { proto: { url: proxy.url } }, dlq: false });
    await app.client.connect('proto');
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
    unregisterOtel();
  });

  it('sends the traceparent of the attempt on the GET that resumes its answer', async () => {
    const args = { key: 'traced-resume', workMs: 300, closeStream: true };
    const result = await app.client.callToolWithRetry('proto', 'counted_work', args);
    expect(result.structuredContent).toEqual({ key: 'traced-resume', runs: 1 });

    const attempts = exporter
      .getFinishedSpans()
      .filter((s) => s.name === 'tools/call counted_work');
    expect(attempts).toHaveLength(1);
    const post = proxy.requests.find((r) => r.jsonRpcMethod === 'tools/call');
    const gets = proxy.requests.filter((r) => r.httpMethod === 'GET' && r.headers['last-event-id']);
    expect(gets.length).toBeGreaterThanOrEqual(1);
    expect(post?.headers.traceparent).toBe(traceparentOf(attempts[0]));
    for (const get of gets) expect(get.headers.traceparent).toBe(traceparentOf(attempts[0]));
  });
});

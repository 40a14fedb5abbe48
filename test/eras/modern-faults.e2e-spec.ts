import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isMcpTransportError, RetryExhaustedError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

const CALL = { method: 'tools/call' } as const;

describe('retry through faults in front of a modern-only server (2026-07-28)', () => {
  let server: EraServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startEraServer('modern');
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({
      servers: {
        modern: { url: proxy.url, tools: { echo: { retry: 'always' } } },
        unsafe: { url: proxy.url },
      },
      dlq: false,
    });
    const session = await app.client.connectWithRetry('modern');
    expect(session.era).toBe('modern');
  });

  afterEach(() => {
    proxy.clear();
    proxy.clearRequests();
    app.retries.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  const calls = () => proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call');

  it('comes through two 503s, each request a new id with the same envelope', async () => {
    proxy.inject({ match: CALL, fault: faults.status(503), times: 2 });
    const result = await app.client.callToolWithRetry('modern', 'echo', { text: 'ok' });
    expect(result.content).toEqual([{ type: 'text', text: 'ok (modern)' }]);
    expect(app.retries.map((r) => r.reason)).toEqual(['http_503', 'http_503']);
    type Body = { id: number; params: { _meta: Record<string, unknown> } };
    const bodies = calls().map((r) => JSON.parse(r.body) as Body);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(3);
    for (const request of calls()) expect(request.headers['mcp-method']).toBe('tools/call');
    // The envelope is the same each time; only the progress token follows the new id.
    const envelope = ({ progressToken, ...rest }: Record<string, unknown>) => {
      expect(progressToken).toBeDefined();
      return rest;
    };
    expect(envelope(bodies[2].params._meta)).toEqual(envelope(bodies[0].params._meta));
    expect(envelope(bodies[0].params._meta)).toMatchObject({
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    });
  });

  it('honours Retry-After on 429', async () => {
    proxy.inject({ match: CALL, fault: faults.status(429, { retryAfter: 1 }), times: 1 });
    const started = Date.now();
    await app.client.callToolWithRetry('modern', 'echo', { text: 'later' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(app.retries.map((r) => r.reason)).toEqual(['http_429']);
    expect(app.retries[0]?.delayMs).toBeGreaterThanOrEqual(950);
  });

  it('retries a connection reset of a call that may be repeated', async () => {
    proxy.inject({ match: CALL, fault: faults.reset(), times: 1 });
    const result = await app.client.callToolWithRetry('modern', 'echo', { text: 'reset' });
    expect(result.content).toEqual([{ type: 'text', text: 'reset (modern)' }]);
    expect(app.retries.map((r) => r.reason)).toEqual(['network']);
  });

  it('re-issues a call whose stream was cut, with a new id and no resumption GET', async () => {
    proxy.inject({ match: CALL, fault: faults.cutStream(), times: 1 });
    const result = await app.client.callToolWithRetry('modern', 'echo', { text: 'cut' });
    expect(result.content).toEqual([{ type: 'text', text: 'cut (modern)' }]);
    expect(app.retries.map((r) => r.reason)).toEqual(['stream_cut']);
    const ids = calls().map((r) => (JSON.parse(r.body) as { id: number }).id);
    expect(new Set(ids).size).toBe(2);
    expect(proxy.requests.every((r) => r.httpMethod === 'POST')).toBe(true);
  });

  it('does not re-issue a cut call the retry-safety rule does not allow', async () => {
    proxy.inject({ match: CALL, fault: faults.cutStream(), times: 1 });
    const error = await app.client
      .callToolWithRetry('unsafe', 'echo', { text: 'once' })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RetryExhaustedError);
    expect(isMcpTransportError(error) || (error as Error).name === 'McpDeliveryUnknownError').toBe(
      true,
    );
    expect(calls()).toHaveLength(1);
  });
});

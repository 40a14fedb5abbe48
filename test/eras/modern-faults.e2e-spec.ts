import { describe, expect, it } from 'vitest';
import { isMcpTransportError, RetryExhaustedError } from '@app/fastmcp';
import { useModernBehindProxy } from '../support/era-server/modern-behind-proxy.js';
import { faults } from '../support/fault-proxy.js';

const CALL = { method: 'tools/call' } as const;

describe('retry through faults in front of a modern-only server (2026-07-28)', () => {
  const set = useModernBehindProxy(
    (url) => ({ modern: { url, tools: { echo: { retry: 'always' } } }, unsafe: { url } }),
    'modern',
  );

  it('negotiated the modern era', () => {
    expect(set.app.client.getSession('modern')?.era).toBe('modern');
  });

  const calls = () => set.proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call');

  it('comes through two 503s, each request a new id with the same envelope', async () => {
    set.proxy.inject({ match: CALL, fault: faults.status(503), times: 2 });
    const result = await set.app.client.callToolWithRetry('modern', 'echo', { text: 'ok' });
    expect(result.content).toEqual([{ type: 'text', text: 'ok (modern)' }]);
    expect(set.app.retries.map((r) => r.reason)).toEqual(['http_503', 'http_503']);
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
    set.proxy.inject({ match: CALL, fault: faults.status(429, { retryAfter: 1 }), times: 1 });
    const started = Date.now();
    await set.app.client.callToolWithRetry('modern', 'echo', { text: 'later' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(set.app.retries.map((r) => r.reason)).toEqual(['http_429']);
    expect(set.app.retries[0]?.delayMs).toBeGreaterThanOrEqual(950);
  });

  it('retries a connection reset of a call that may be repeated', async () => {
    set.proxy.inject({ match: CALL, fault: faults.reset(), times: 1 });
    const result = await set.app.client.callToolWithRetry('modern', 'echo', { text: 'reset' });
    expect(result.content).toEqual([{ type: 'text', text: 'reset (modern)' }]);
    expect(set.app.retries.map((r) => r.reason)).toEqual(['network']);
  });

  it('re-issues a call whose stream was cut, with a new id and no resumption GET', async () => {
    set.proxy.inject({ match: CALL, fault: faults.cutStream(), times: 1 });
    const result = await set.app.client.callToolWithRetry('modern', 'echo', { text: 'cut' });
    expect(result.content).toEqual([{ type: 'text', text: 'cut (modern)' }]);
    expect(set.app.retries.map((r) => r.reason)).toEqual(['stream_cut']);
    const ids = calls().map((r) => (JSON.parse(r.body) as { id: number }).id);
    expect(new Set(ids).size).toBe(2);
    expect(set.proxy.requests.every((r) => r.httpMethod === 'POST')).toBe(true);
  });

  it('does not re-issue a cut call the retry-safety rule does not allow', async () => {
    set.proxy.inject({ match: CALL, fault: faults.cutStream(), times: 1 });
    const error = await set.app.client
      .callToolWithRetry('unsafe', 'echo', { text: 'once' })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RetryExhaustedError);
    expect(isMcpTransportError(error) || (error as Error).name === 'McpDeliveryUnknownError').toBe(
      true,
    );
    expect(calls()).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { isMcpProtocolError, type McpProtocolError } from '@app/fastmcp';
import { useModernBehindProxy } from '../support/era-server/modern-behind-proxy.js';
import { faults } from '../support/fault-proxy.js';

describe('a modern call whose header argument is not well-formed UTF-16', () => {
  const set = useModernBehindProxy((url) => ({ modern: { url } }), 'modern');
  const calls = () => set.proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call');

  it('is refused before sending, naming the argument and not its value', async () => {
    await set.app.client.listTools('modern');
    set.proxy.clearRequests();
    const error = (await set.app.client
      .callToolWithRetry('modern', 'route', { region: 'eu\ud800', query: 'q' })
      .catch((e: unknown) => e)) as McpProtocolError;
    expect(isMcpProtocolError(error)).toBe(true);
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('argument region');
    expect(error.message).not.toContain('\ud800');
    expect(calls()).toHaveLength(0);
  });

  it('still sends a well-formed non-ASCII argument', async () => {
    const result = await set.app.client.callToolWithRetry('modern', 'route', {
      region: 'zürich 😀',
    });
    expect(result.content).toEqual([{ type: 'text', text: 'routed zürich 😀' }]);
    expect(calls()).toHaveLength(1);
  });
});

describe('a modern 400 with a long JSON-RPC error body', () => {
  const set = useModernBehindProxy((url) => ({ modern: { url } }), 'modern');
  const calls = () => set.proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call');
  const invalidParams = (size: number) => ({
    jsonrpc: '2.0',
    id: null,
    error: { code: -32602, message: 'Invalid params', data: { detail: 'x'.repeat(size) } },
  });

  it.each([
    ['10 KB, read whole', 10_000, true],
    ['100 KB, past the read limit', 100_000, false],
  ])(
    '%s: a typed -32602 after one tools/call, not a 2025-era answer',
    async (_what, size, data) => {
      set.proxy.inject({
        match: { method: 'tools/call' },
        fault: faults.status(400, { body: invalidParams(size) }),
        times: 5,
      });
      const error = (await set.app.client
        .callToolWithRetry('modern', 'echo', { text: 'x' })
        .catch((e: unknown) => e)) as McpProtocolError;
      expect(isMcpProtocolError(error)).toBe(true);
      expect(error.code).toBe(-32602);
      expect(error.data !== undefined).toBe(data);
      expect(calls()).toHaveLength(1);
    },
  );
});

import { describe, expect, it } from 'vitest';
import {
  isMcpHttpError,
  isMcpInputRequiredError,
  isMcpMissingCapabilityError,
  isMcpProtocolError,
  isMcpUnsupportedVersionError,
  type McpInputRequiredError,
  type McpMissingCapabilityError,
  type McpProtocolError,
  type McpUnsupportedVersionError,
} from '@app/fastmcp';
import { useModernBehindProxy } from '../support/era-server/modern-behind-proxy.js';
import { faults } from '../support/fault-proxy.js';

const CALL = { method: 'tools/call' } as const;
const jsonRpcError = (code: number, message: string, data?: unknown) => ({
  jsonrpc: '2.0',
  id: null,
  error: { code, message, ...(data === undefined ? {} : { data }) },
});

describe('the errors of a modern server (2026-07-28)', () => {
  const set = useModernBehindProxy(
    (url) => ({
      modern: { url, tools: { echo: { retry: 'always' } } },
      fresh: { url },
      probed: { url },
    }),
    'modern',
  );

  const methods = () => set.proxy.requests.map((r) => r.jsonRpcMethod);
  const call = (clientId: string, tool: string, args: Record<string, unknown> = {}) =>
    set.app.client.callToolWithRetry(clientId, tool, args).catch((e: unknown) => e);

  it('-32022 with no common version: a typed error naming both lists, then a new probe', async () => {
    // A revision this client speaks in neither era (one it does speak in 2025 is tried: see
    // legacy-fallback.e2e-spec.ts).
    const data = { supported: ['2024-11-05'], requested: '2026-07-28' };
    set.proxy.inject({
      match: CALL,
      fault: faults.status(400, {
        body: jsonRpcError(-32022, 'Unsupported protocol version', data),
      }),
      times: 1,
    });
    const error = (await call('modern', 'echo', { text: 'v' })) as McpUnsupportedVersionError;
    expect(isMcpUnsupportedVersionError(error)).toBe(true);
    expect(error.code).toBe(-32022);
    expect(error.data).toEqual(data);
    expect(error.serverVersions).toEqual(['2024-11-05']);
    expect(error.clientVersions).toEqual(['2026-07-28']);
    expect(error.message).toMatch(/\[2024-11-05\].*\[2026-07-28\]/);
    expect(set.app.retries).toEqual([]);
    // The verdict is forgotten: the next call probes again, and the server answers modern.
    set.proxy.clearRequests();
    await set.app.client.callToolWithRetry('modern', 'echo', { text: 'again' });
    expect(methods()).toEqual(['server/discover', 'tools/call']);
  });

  it('a probe answered -32022 is a modern server: it speaks a version the error lists', async () => {
    const data = { supported: ['2026-07-28'], requested: '2026-07-28' };
    set.proxy.inject({
      match: { method: 'server/discover' },
      fault: faults.status(400, { body: jsonRpcError(-32022, 'Unsupported', data) }),
      times: 1,
    });
    const session = await set.app.client.connect('probed');
    expect(session).toMatchObject({ era: 'modern', protocolVersion: '2026-07-28' });
    expect(methods()).toEqual(['server/discover']);
    const result = await set.app.client.callTool('probed', 'echo', { text: 'p' });
    expect(result.content).toEqual([{ type: 'text', text: 'p (modern)' }]);
  });

  it('-32021: a typed, non-retried error naming the missing capability', async () => {
    const error = (await call('modern', 'summarise')) as McpMissingCapabilityError;
    expect(isMcpMissingCapabilityError(error)).toBe(true);
    expect(error.capabilities).toEqual(['sampling']);
    expect(error.status).toBe(400);
    expect(set.app.retries).toEqual([]);
    expect(methods()).toEqual(['tools/call']);
  });

  it('-32020: refreshes the tool list, then sends the call once more with its headers', async () => {
    // `fresh` never listed its tools: the first call lacks Mcp-Param-Region.
    const result = await set.app.client.callToolWithRetry('fresh', 'route', {
      region: 'ap-south-1',
    });
    expect(result.content).toEqual([{ type: 'text', text: 'routed ap-south-1' }]);
    const calls = set.proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call');
    expect(calls.map((r) => r.headers['mcp-param-region'])).toEqual([undefined, 'ap-south-1']);
    expect(methods().filter((m) => m !== 'server/discover')).toEqual([
      'tools/call',
      'tools/list',
      'tools/call',
    ]);
    expect(set.app.retries).toEqual([]);
  });

  it('keeps the JSON-RPC code and data of a 400 body', async () => {
    const data = { field: 'text' };
    set.proxy.inject({
      match: CALL,
      fault: faults.status(400, { body: jsonRpcError(-32602, 'Invalid params', data) }),
      times: 1,
    });
    const error = (await call('modern', 'echo', { text: 1 })) as McpProtocolError;
    expect(isMcpProtocolError(error)).toBe(true);
    expect(error.code).toBe(-32602);
    expect(error.data).toEqual(data);
    expect(error.status).toBe(400);
    expect(set.app.retries).toEqual([]);
  });

  it('reads a 404 with -32601 as an unknown method, not a lost session', async () => {
    set.proxy.inject({
      match: CALL,
      fault: faults.status(404, { body: jsonRpcError(-32601, 'Method not found') }),
      times: 1,
    });
    const error = (await call('modern', 'echo', { text: 'x' })) as McpProtocolError;
    expect(isMcpProtocolError(error)).toBe(true);
    expect(error.code).toBe(-32601);
    expect(error.status).toBe(404);
    expect(methods()).toEqual(['tools/call']);
  });

  it('keeps the JSON-RPC body of another 4xx on McpHttpError', async () => {
    set.proxy.inject({
      match: CALL,
      fault: faults.status(409, { body: jsonRpcError(-32000, 'Conflict', { retry: false }) }),
      times: 1,
    });
    const error = await call('modern', 'echo', { text: 'x' });
    expect(isMcpHttpError(error)).toBe(true);
    expect(isMcpHttpError(error) && error.jsonRpc).toEqual({
      code: -32000,
      message: 'Conflict',
      data: { retry: false },
    });
  });

  it('never loops: a server that always needs input fails after a bounded number of rounds', async () => {
    const error = (await call('modern', 'insist')) as McpInputRequiredError;
    expect(isMcpInputRequiredError(error)).toBe(true);
    expect(error.failure).toBe('too_many_rounds');
    const rounds = set.proxy.requests.filter((r) => r.toolName === 'insist');
    expect(rounds).toHaveLength(8);
    // Each round echoes the exact requestState of the one before.
    const states = rounds.map(
      (r) => (JSON.parse(r.body) as { params: { requestState?: string } }).params.requestState,
    );
    expect(states).toEqual([undefined, '1', '2', '3', '4', '5', '6', '7']);
    expect(set.app.retries).toEqual([]);
  });
});

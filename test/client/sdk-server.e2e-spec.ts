import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnknownClientError } from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';

const MODES = [
  { stateful: true, jsonResponse: false },
  { stateful: true, jsonResponse: true },
  { stateful: false, jsonResponse: false },
  { stateful: false, jsonResponse: true },
];

describe.each(MODES)('official SDK server (stateful: $stateful, json: $jsonResponse)', (mode) => {
  let server: DemoMcpServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;

  beforeAll(async () => {
    server = await startDemoMcpServer({ ...mode, extraTools: 25, toolsPageSize: 10 });
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({
      servers: { demo: { url: proxy.url, headers: { authorization: 'Bearer s3cret' } } },
    });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  it('probes server/discover, falls back to the handshake and negotiates 2025-11-25', async () => {
    const session = await app.client.connectWithRetry('demo');
    expect(session.protocolVersion).toBe('2025-11-25');
    expect(session.serverInfo.name).toBeTruthy();
    expect(session.capabilities.tools).toBeDefined();
    expect(session.sessionId === undefined).toBe(!mode.stateful);
    const methods = proxy.requests.map((r) => r.jsonRpcMethod);
    expect(methods.slice(0, 3)).toEqual([
      'server/discover',
      'initialize',
      'notifications/initialized',
    ]);
    expect(session.era).toBe('legacy');
    const initialized = proxy.requests[2];
    expect(initialized?.headers['mcp-protocol-version']).toBe('2025-11-25');
    expect(initialized?.headers['mcp-session-id']).toBe(session.sessionId);
    expect(initialized?.headers.accept).toBe('application/json, text/event-stream');
    expect(initialized?.headers.authorization).toBe('Bearer s3cret');
  });

  it('lists every tool, following nextCursor pages', async () => {
    proxy.clearRequests();
    const tools = await app.client.listToolsWithRetry('demo');
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['echo', 'add', 'slow', 'flaky', 'tool_0', 'tool_24']),
    );
    expect(new Set(names).size).toBe(names.length);
    const listRequests = proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/list');
    expect(listRequests.length).toBeGreaterThanOrEqual(3);
  });

  it('calls tools and returns their results', async () => {
    const echoed = await app.client.callToolWithRetry('demo', 'echo', { text: 'hello' });
    expect(echoed.content).toEqual([{ type: 'text', text: 'hello' }]);
    const sum = await app.client.callTool('demo', 'add', { a: 2, b: 3 });
    expect(sum.structuredContent).toEqual({ sum: 5 });
  });

  it('returns a tool failure (isError) as a result, without retry', async () => {
    proxy.clearRequests();
    const result = await app.client.callToolWithRetry('demo', 'fail', {});
    expect(result.isError).toBe(true);
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call')).toHaveLength(1);
  });

  it('returns what the SDK server reports as a tool error (unknown tool, bad arguments) without retry', async () => {
    proxy.clearRequests();
    // The SDK's McpServer turns both into isError results; the fastmcp suite covers JSON-RPC errors.
    const badArgs = await app.client.callToolWithRetry('demo', 'add', { a: 'not a number' });
    const unknown = await app.client.callToolWithRetry('demo', 'no_such_tool', {});
    expect(badArgs.isError).toBe(true);
    expect(unknown.isError).toBe(true);
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call')).toHaveLength(2);
  });

  it('fails with a typed error naming an unknown client id', async () => {
    await expect(app.client.callToolWithRetry('nobody', 'echo')).rejects.toThrow(
      UnknownClientError,
    );
    await expect(app.client.callToolWithRetry('nobody', 'echo')).rejects.toThrow(/nobody/);
  });
});

describe('sessions and protocol versions', () => {
  let server: DemoMcpServerHandle;

  beforeAll(async () => {
    server = await startDemoMcpServer({ stateful: true });
  });

  afterAll(async () => {
    await server?.close();
  });

  it.each(['2025-06-18', '2025-03-26'])('negotiates down to %s when asked', async (version) => {
    const proxy = await startFaultProxy(server.url);
    const app = await startClientApp({
      servers: { old: { url: proxy.url, protocolVersion: version } },
    });
    try {
      const session = await app.client.connectWithRetry('old');
      expect(session.protocolVersion).toBe(version);
      await app.client.callToolWithRetry('old', 'echo', { text: 'v' });
      expect(proxy.requests.at(-1)?.headers['mcp-protocol-version']).toBe(version);
    } finally {
      await app.close();
      await proxy.close();
    }
  });

  it('ends every session on application shutdown', async () => {
    const app = await startClientApp({
      servers: { a: { url: server.url }, b: { url: server.url } },
    });
    const before = server.sessionCount();
    await Promise.all([app.client.connectWithRetry('a'), app.client.connectWithRetry('b')]);
    expect(server.sessionCount()).toBe(before + 2);
    await app.close();
    expect(server.sessionCount()).toBe(before);
    expect(server.requestCounts()['HTTP DELETE']).toBeGreaterThanOrEqual(2);
  });
});

import { type Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import { type DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { type FaultProxy, faults, startFaultProxy } from './fault-proxy.js';
import { rawHttpPost } from './raw-http-post.js';
import { INITIALIZE_REQUEST, postJsonRpc, toolCall } from './raw-mcp-request.js';
import { connectSdkClient } from './sdk-client.js';

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe.each([
  { stateful: true, jsonResponse: false },
  { stateful: false, jsonResponse: true },
])('fault proxy in front of the demo server (%o)', (options) => {
  let upstream: DemoMcpServerHandle;
  let proxy: FaultProxy;
  const clients: Client[] = [];
  const connect = async (): Promise<Client> => {
    const client = await connectSdkClient(proxy.url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    upstream = await startDemoMcpServer(options);
    proxy = await startFaultProxy(upstream.url);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    proxy.clear();
    proxy.clearRequests();
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('forwards SDK traffic, with session and protocol headers', async () => {
    const client = await connect();
    expect(await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).toMatchObject({
      structuredContent: { sum: 3 },
    });
    const call = proxy.requests.find((r) => r.jsonRpcMethod === 'tools/call');
    expect(call).toMatchObject({ httpMethod: 'POST', path: '/mcp', toolName: 'add', status: 200 });
    expect(call?.headers['mcp-protocol-version']).toBeTruthy();
    expect(call?.headers['mcp-session-id'] !== undefined).toBe(options.stateful);
    expect(proxy.url).toBe(upstream.url.replace(String(upstream.port), String(proxy.port)));
  });

  it('status: answers 503 with Retry-After without forwarding', async () => {
    const rule = proxy.inject({
      match: { method: 'tools/call' },
      fault: faults.status(503, { retryAfter: 2 }),
      times: 2,
    });
    const client = await connect();
    const before = upstream.requestCounts()['tools/call'] ?? 0;
    const raw = await postJsonRpc(proxy.url, toolCall('echo', { text: 'x' }));
    expect(raw.status).toBe(503);
    expect(raw.headers.get('retry-after')).toBe('2');
    expect(await raw.text()).toBe('Injected fault: 503');
    await expect(client.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toMatchObject(
      {
        code: 503,
      },
    );
    expect(rule).toMatchObject({ hits: 2, remaining: 0 });
    expect(await client.callTool({ name: 'echo', arguments: { text: 'x' } })).toBeTruthy();
    expect(upstream.requestCounts()['tools/call']).toBe(before + 1);
    expect(proxy.requests.filter((r) => r.fault?.kind === 'status')).toHaveLength(2);
  });

  it('status: matches on tool name and sends a JSON body', async () => {
    proxy.inject({
      match: { method: 'tools/call', toolName: 'add' },
      fault: faults.status(429, { body: { error: 'slow down' } }),
    });
    const client = await connect();
    expect(await client.callTool({ name: 'echo', arguments: { text: 'x' } })).toBeTruthy();
    const raw = await postJsonRpc(proxy.url, toolCall('add', { a: 1, b: 1 }));
    expect(raw.status).toBe(429);
    expect(await raw.json()).toEqual({ error: 'slow down' });
  });

  it('reset: the client sees ECONNRESET', async () => {
    proxy.inject({ fault: faults.reset() });
    const error: unknown = await postJsonRpc(proxy.url, INITIALIZE_REQUEST).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
  });

  it('hang: never answers until released', async () => {
    proxy.inject({ fault: faults.hang() });
    const pending = postJsonRpc(proxy.url, INITIALIZE_REQUEST);
    await waitFor(() => proxy.requests.length === 1);
    expect(proxy.requests[0]?.fault?.kind).toBe('hang');
    proxy.releaseHung();
    await expect(pending).rejects.toThrow(TypeError);
  });

  it('cutStream: sends headers and an SSE comment, then cuts the body', async () => {
    proxy.inject({ fault: faults.cutStream() });
    const res = await rawHttpPost(proxy.url, INITIALIZE_REQUEST);
    expect(res.status).toBe(200);
    if (options.stateful) expect(res.headers['mcp-session-id']).toBeTruthy();
    expect(res.body.toString()).toBe(': cut by fault proxy\n\n');
    expect(res.error).toBeInstanceOf(Error);
  });

  it('cutStream: afterBytes forwards a truncated body', async () => {
    proxy.inject({ fault: faults.cutStream({ afterBytes: 20 }) });
    const res = await rawHttpPost(proxy.url, INITIALIZE_REQUEST);
    expect(res.body).toHaveLength(20);
    expect(res.error).toBeInstanceOf(Error);
    const fetched = await postJsonRpc(proxy.url, INITIALIZE_REQUEST);
    expect(fetched.status).toBe(200);
    await fetched.text();
  });

  it('cutStream: fetch sees the body fail', async () => {
    proxy.inject({ fault: faults.cutStream() });
    const res = await postJsonRpc(proxy.url, INITIALIZE_REQUEST);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(TypeError);
  });

  it('cutStream: the SDK client reports the cut', async () => {
    const client = await connect();
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.cutStream() });
    const controller = new AbortController();
    const call = client.callTool({ name: 'echo', arguments: { text: 'x' } }, undefined, {
      signal: controller.signal,
    });
    if (options.jsonResponse) {
      await expect(call).rejects.toThrow();
      return;
    }
    // SSE without a priming event id: the SDK only reports the cut; the call stays pending.
    await waitFor(() => errors.length > 0);
    expect(errors[0]?.message).toMatch(/SSE stream disconnected/);
    controller.abort();
    await expect(call).rejects.toThrow();
  });

  it('loseAnswer: the server runs the call, the client gets a bare 502', async () => {
    const client = await connect();
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.loseAnswer({ code: 502 }) });
    const before = upstream.requestCounts()['tools/call:echo'] ?? 0;
    await expect(client.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toMatchObject(
      { code: 502 },
    );
    expect(upstream.requestCounts()['tools/call:echo']).toBe(before + 1);
    expect(proxy.requests.find((r) => r.fault?.kind === 'loseAnswer')?.status).toBe(502);
  });

  it('loseAnswer: without a code, cuts the stream after the whole answer came back', async () => {
    proxy.inject({ fault: faults.loseAnswer() });
    const sessionsBefore = upstream.sessionCount();
    const res = await rawHttpPost(proxy.url, INITIALIZE_REQUEST);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(': cut by fault proxy\n\n');
    expect(res.error).toBeInstanceOf(Error);
    expect(upstream.sessionCount()).toBe(sessionsBefore + (options.stateful ? 1 : 0));
  });

  it('delayAnswer: the server answers at once, the client hears of it late', async () => {
    proxy.inject({ match: { method: 'initialize' }, fault: faults.delayAnswer(1000) });
    const before = upstream.requestCounts()['initialize'] ?? 0;
    let answered = false;
    const pending = rawHttpPost(proxy.url, INITIALIZE_REQUEST).finally(() => (answered = true));
    await waitFor(() => upstream.requestCounts()['initialize'] === before + 1);
    expect(answered).toBe(false);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('serverInfo');
    expect(res.error).toBeUndefined();
  });

  it.each([
    { status: 404 as const, code: -32001, message: 'Session not found' },
    { status: 400 as const, code: -32000, message: 'Bad Request: No valid session ID provided' },
  ])('dropSession: answers $status', async ({ status, code, message }) => {
    proxy.inject({ fault: faults.dropSession({ status }) });
    const res = await postJsonRpc(proxy.url, toolCall('echo', { text: 'x' }), {
      'mcp-session-id': 'some-session',
    });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ jsonrpc: '2.0', error: { code, message }, id: null });
  });

  it('clear: drops queued faults', async () => {
    proxy.inject({ fault: faults.status(500), times: 5 });
    proxy.clear();
    const client = await connect();
    const listed = await client.listTools();
    expect(listed.tools.length).toBeGreaterThan(0);
    expect(proxy.requests.every((r) => r.fault === undefined)).toBe(true);
  });
});

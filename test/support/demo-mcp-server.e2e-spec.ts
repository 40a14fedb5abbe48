import { type Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import { type DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { INITIALIZE_REQUEST, postJsonRpc, toolCall } from './raw-mcp-request.js';
import { connectSdkClient } from './sdk-client.js';

const DEMO_TOOLS = ['echo', 'add', 'slow', 'fail', 'flaky', 'bump', 'report'];

describe('demo MCP server (official SDK)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  const start = async (...args: Parameters<typeof startDemoMcpServer>) => {
    const server = await startDemoMcpServer(...args);
    cleanups.push(() => server.close());
    return server;
  };
  const connect = async (server: DemoMcpServerHandle): Promise<Client> => {
    const client = await connectSdkClient(server.url);
    cleanups.push(() => client.close());
    return client;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.each([
    { stateful: true, jsonResponse: false },
    { stateful: true, jsonResponse: true },
    { stateful: false, jsonResponse: false },
    { stateful: false, jsonResponse: true },
  ])('lists and calls every tool (%o)', async (options) => {
    const server = await start(options);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connect(server);

    const { tools, nextCursor } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(DEMO_TOOLS);
    expect(nextCursor).toBeUndefined();
    expect(tools[0]?.annotations?.readOnlyHint).toBe(true);

    expect(await client.callTool({ name: 'echo', arguments: { text: 'hi' } })).toMatchObject({
      content: [{ type: 'text', text: 'hi' }],
    });
    expect(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })).toMatchObject({
      content: [{ type: 'text', text: '5' }],
      structuredContent: { sum: 5 },
    });
    expect(await client.callTool({ name: 'slow', arguments: { ms: 5 } })).toMatchObject({
      content: [{ type: 'text', text: 'done' }],
    });
    expect(await client.callTool({ name: 'fail' })).toMatchObject({ isError: true });
    expect(server.sessionCount()).toBe(options.stateful ? 1 : 0);
  });

  it('answers 503 to the first flakyFailures flaky calls, before the transport', async () => {
    const server = await start({ flakyFailures: 2 });
    const client = await connect(server);
    for (let i = 0; i < 2; i += 1) {
      await expect(client.callTool({ name: 'flaky' })).rejects.toMatchObject({ code: 503 });
    }
    expect(server.flakyRemaining()).toBe(0);
    expect(await client.callTool({ name: 'flaky' })).toMatchObject({
      content: [{ text: 'ok after 2 failures' }],
    });
    expect(server.requestCounts()).toMatchObject({
      initialize: 1,
      'tools/call': 3,
      'tools/call:flaky': 3,
    });
    server.resetFlaky(1);
    expect(server.flakyRemaining()).toBe(1);
    await expect(client.callTool({ name: 'flaky' })).rejects.toMatchObject({ code: 503 });
    expect(await client.callTool({ name: 'flaky' })).toMatchObject({
      content: [{ text: 'ok after 1 failures' }],
    });
  });

  it('aborts slow when the client cancels', async () => {
    const server = await start();
    const client = await connect(server);
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: { ms: 60_000 } }, undefined, {
      signal: controller.signal,
    });
    controller.abort();
    await expect(call).rejects.toThrow();
    expect(await client.callTool({ name: 'echo', arguments: { text: 'still up' } })).toMatchObject({
      content: [{ type: 'text', text: 'still up' }],
    });
  });

  it('answers 404 Session not found once sessions are dropped', async () => {
    const server = await start({ jsonResponse: true });
    const client = await connect(server);
    const init = await postJsonRpc(server.url, INITIALIZE_REQUEST);
    const sessionId = init.headers.get('mcp-session-id') ?? '';
    await init.text();
    expect(sessionId).not.toBe('');
    expect(server.sessionCount()).toBe(2);

    await server.dropSessions();
    // The SDK client surfaces the 404 as StreamableHTTPError and keeps its stale session id.
    await expect(client.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toMatchObject(
      {
        code: 404,
      },
    );
    expect(server.sessionCount()).toBe(0);
    const lost = await postJsonRpc(server.url, toolCall('echo', { text: 'x' }), {
      'mcp-session-id': sessionId,
    });
    expect(lost.status).toBe(404);
    expect(await lost.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32001, message: 'Session not found' },
      id: null,
    });
    const noSession = await postJsonRpc(server.url, toolCall('echo', { text: 'x' }));
    expect(noSession.status).toBe(400);
    await noSession.text();
  });

  it.each([{ stateful: true }, { stateful: false }])(
    'runs report as a task when asked, and plainly when not (%o)',
    async (options) => {
      const server = await start(options);
      const client = await connect(server);
      const { tools } = await client.listTools();
      expect(tools.find((t) => t.name === 'report')?.execution).toEqual({
        taskSupport: 'optional',
      });
      const plain = await client.callTool({ name: 'report', arguments: { ms: 5, label: 'now' } });
      expect(plain).toMatchObject({ content: [{ type: 'text', text: 'report now' }] });

      const kinds: string[] = [];
      let result: unknown;
      const params = { name: 'report', arguments: { ms: 50, label: 'later' } };
      const stream = client.experimental.tasks.callToolStream(params, undefined, {
        task: { ttl: 60_000 },
      });
      for await (const message of stream) {
        kinds.push(message.type);
        if (message.type === 'result') result = message.result;
      }
      expect(kinds[0]).toBe('taskCreated');
      expect(kinds.at(-1)).toBe('result');
      expect(result).toMatchObject({ content: [{ type: 'text', text: 'report later' }] });
      expect(server.requestCounts()['tasks/get']).toBeGreaterThan(0);
    },
  );

  it('refuses a report longer than a minute', async () => {
    const client = await connect(await start());
    const long = await client.callTool({ name: 'report', arguments: { ms: 60_001 } });
    expect(long).toMatchObject({ isError: true });
  });

  it('paginates tools/list when extraTools is set', async () => {
    const server = await start({ extraTools: 23, toolsPageSize: 10 });
    const client = await connect(server);
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      names.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(names).toHaveLength(30);
    expect(names.slice(0, 8)).toEqual([...DEMO_TOOLS, 'tool_0']);
    expect(names.at(-1)).toBe('tool_22');
    await expect(client.listTools({ cursor: 'bogus' })).rejects.toThrow(/Invalid cursor/);
    const first = await client.listTools();
    expect(first.tools[1]?.outputSchema).toMatchObject({ properties: { sum: { type: 'number' } } });
    expect(first.tools[6]?.execution).toEqual({ taskSupport: 'optional' });
  });
});

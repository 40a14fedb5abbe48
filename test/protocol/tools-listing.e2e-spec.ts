import { afterEach, describe, expect, it } from 'vitest';
import { isMcpProtocolError, McpProtocolError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRawMcpServer } from '../support/raw-mcp-server/raw-mcp-server.js';
import type {
  RawMcpServerHandle,
  RawMcpServerOptions,
} from '../support/raw-mcp-server/raw-mcp-server.interface.js';

const CLIENT = 'raw';
const tool = (name: string) => ({ name, inputSchema: { type: 'object', properties: {} } });
/** `typed` promises `{ sum: number }`; called with `{ bad: true }` it answers `{ sum: 'five' }`. */
const TYPED_TOOL = {
  name: 'typed',
  inputSchema: { type: 'object', properties: { bad: { type: 'boolean' } } },
  outputSchema: {
    type: 'object',
    properties: { sum: { type: 'number' } },
    required: ['sum'],
  },
};

describe('tools/list and tool results (raw server)', () => {
  let server: RawMcpServerHandle | undefined;
  let proxy: FaultProxy | undefined;
  let app: ClientTestApp | undefined;

  afterEach(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
    app = undefined;
    proxy = undefined;
    server = undefined;
  });

  const start = async (options: RawMcpServerOptions, logger?: CapturingLogger) => {
    server = await startRawMcpServer(options);
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({ servers: { [CLIENT]: { url: proxy.url } }, dlq: false }, logger);
    return { server, proxy, app };
  };

  it('skips a tool that does not match the schema with a WARN, and lists the others', async () => {
    const logger = new CapturingLogger();
    const { app } = await start(
      {
        toolPages: [
          [tool('first'), { name: 'broken', inputSchema: { type: 'string' } }],
          [{ description: 'no name at all', inputSchema: { type: 'object' } }, tool('last')],
        ],
      },
      logger,
    );
    const tools = await app.client.listToolsWithRetry(CLIENT);
    expect(tools.map((t) => t.name)).toEqual(['first', 'last']);
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings.some((w) => w.message.includes('broken'))).toBe(true);
    expect(warnings.every((w) => w.message.includes(CLIENT))).toBe(true);
  });

  it('starts a listing again from the first page when the session is lost mid-way (no stale cursor)', async () => {
    const { proxy, app } = await start({
      toolPages: [[tool('a')], [tool('b')], [tool('c')]],
    });
    proxy.inject({ match: { method: 'tools/list' }, fault: faults.dropSession(), after: 1 });
    const tools = await app.client.listToolsWithRetry(CLIENT);
    expect(tools.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    const lists = proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/list');
    const cursors = lists.map(
      (r) => (JSON.parse(r.body) as { params?: { cursor?: string } }).params?.cursor,
    );
    expect(cursors).toEqual([
      undefined,
      'raw-session-1#1',
      undefined,
      'raw-session-2#1',
      'raw-session-2#2',
    ]);
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'initialize')).toHaveLength(2);
  });

  const typedServer: RawMcpServerOptions = {
    toolPages: [[TYPED_TOOL]],
    onToolCall: ({ arguments: args }) => ({
      content: [{ type: 'text', text: 'sum' }],
      structuredContent: { sum: args.bad === true ? 'five' : 5 },
    }),
  };

  it('checks structuredContent against the outputSchema of a listed tool: a mismatch is a McpProtocolError', async () => {
    const { app } = await start(typedServer);
    await app.client.listTools(CLIENT);
    const ok = await app.client.callTool(CLIENT, 'typed', {});
    expect(ok.structuredContent).toEqual({ sum: 5 });
    const error = await app.client
      .callTool(CLIENT, 'typed', { bad: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpProtocolError);
    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as McpProtocolError).clientId).toBe(CLIENT);
    expect((error as Error).message).toMatch(/typed/);
  });

  it('does not send a call again whose result breaks its outputSchema', async () => {
    const { proxy, app } = await start(typedServer);
    await app.client.listToolsWithRetry(CLIENT);
    await expect(app.client.callToolWithRetry(CLIENT, 'typed', { bad: true })).rejects.toSatisfy(
      isMcpProtocolError,
    );
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call')).toHaveLength(1);
  });

  it('does not check the result of a tool it has not listed', async () => {
    const { app } = await start(typedServer);
    const result = await app.client.callTool(CLIENT, 'typed', { bad: true });
    expect(result.structuredContent).toEqual({ sum: 'five' });
  });
});

import { type Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FastMcpServerHandle, startFastMcpServer } from './fastmcp-server.js';
import { postJsonRpc, toolCall } from './raw-mcp-request.js';
import { connectSdkClient } from './sdk-client.js';

describe('fastmcp test server', () => {
  let server: FastMcpServerHandle;
  let client: Client;

  beforeAll(async () => {
    server = await startFastMcpServer();
    client = await connectSdkClient(server.url);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('listens on 127.0.0.1 and lists its tools', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['echo', 'add']);
  });

  it('calls echo and add', async () => {
    expect(await client.callTool({ name: 'echo', arguments: { text: 'hi' } })).toMatchObject({
      content: [{ type: 'text', text: 'hi' }],
    });
    expect(await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })).toMatchObject({
      content: [{ type: 'text', text: '42' }],
    });
  });

  it('answers 404 Session not found to an unknown session id', async () => {
    const res = await postJsonRpc(server.url, toolCall('echo', { text: 'x' }), {
      'mcp-session-id': 'no-such-session',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32001, message: 'Session not found' },
      id: null,
    });
  });
});

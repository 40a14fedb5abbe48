import { afterEach, describe, expect, it } from 'vitest';
import { startRawMcpServer } from './raw-mcp-server/raw-mcp-server.js';
import type { RawMcpServerHandle } from './raw-mcp-server/raw-mcp-server.interface.js';
import { INITIALIZE_REQUEST, postJsonRpc, toolCall } from './raw-mcp-request.js';

describe('raw MCP server', () => {
  let server: RawMcpServerHandle | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const initialize = async (url: string) => {
    const response = await postJsonRpc(url, INITIALIZE_REQUEST);
    const sessionId = response.headers.get('mcp-session-id') ?? '';
    const body = (await response.json()) as { result: { protocolVersion: string } };
    return { sessionId, body };
  };

  it('answers initialize with the version it is told to, and records DELETE', async () => {
    server = await startRawMcpServer({ protocolVersion: '1999-01-01' });
    const { sessionId, body } = await initialize(server.url);
    expect(sessionId).toBe('raw-session-1');
    expect(body.result.protocolVersion).toBe('1999-01-01');
    const deleted = await fetch(server.url, {
      method: 'DELETE',
      headers: { 'mcp-session-id': sessionId },
    });
    expect(deleted.status).toBe(200);
    expect(server.deletedSessions).toEqual([sessionId]);
    expect(server.liveSessions()).toEqual([]);
  });

  it('pages tools/list with cursors valid only in their own session', async () => {
    server = await startRawMcpServer({ toolPages: [[{ name: 'a' }], [{ name: 'b' }]] });
    const first = await initialize(server.url);
    const list = async (sessionId: string, cursor?: string) => {
      const params = cursor === undefined ? {} : { cursor };
      const message = { jsonrpc: '2.0', id: 5, method: 'tools/list', params };
      const response = await postJsonRpc(server!.url, message, { 'mcp-session-id': sessionId });
      return (await response.json()) as Record<string, Record<string, unknown>>;
    };
    const page1 = await list(first.sessionId);
    expect(page1.result).toEqual({ tools: [{ name: 'a' }], nextCursor: 'raw-session-1#1' });
    expect((await list(first.sessionId, 'raw-session-1#1')).result).toEqual({
      tools: [{ name: 'b' }],
    });
    const second = await initialize(server.url);
    expect((await list(second.sessionId, 'raw-session-1#1')).error).toMatchObject({
      code: -32602,
    });
    server.dropSessions();
    const lost = await postJsonRpc(server.url, toolCall('x'), {
      'mcp-session-id': second.sessionId,
    });
    expect(lost.status).toBe(404);
  });

  it('asks the client on the SSE stream of a tools/call and waits for its POSTed answer', async () => {
    server = await startRawMcpServer({
      onToolCall: async (call) => {
        const answer = await call.ask('x/unknown', { a: 1 });
        return { content: [{ type: 'text', text: JSON.stringify(answer.error) }] };
      },
    });
    const { sessionId } = await initialize(server.url);
    const headers = { 'mcp-session-id': sessionId };
    const response = await postJsonRpc(server.url, toolCall('asker', {}, 7), headers);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"method":"x/unknown"');
    const reply = { jsonrpc: '2.0', id: 'srv-1', error: { code: -32601, message: 'nope' } };
    const posted = await postJsonRpc(server.url, reply, headers);
    expect(posted.status).toBe(202);
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toContain('"id":7');
    expect(rest).toContain('-32601');
  });
});

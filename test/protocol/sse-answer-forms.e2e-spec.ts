// Answers a conformant server may send that the client failed on after the tool had run: an SSE
// event of another type than `message` (a keep-alive), a Content-Type in capitals, and an error
// without an id (the one case the spec allows: a request the server could not read).
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpProtocolError, type McpProtocolError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type ScriptedAnswer,
  type ScriptedMcpServerHandle,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const RESULT = { content: [{ type: 'text', text: 'ran' }] };

describe('answers in the forms a conformant server may use', () => {
  let server: ScriptedMcpServerHandle | undefined;
  let app: ClientTestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  async function callWith(answer: ScriptedAnswer): Promise<unknown> {
    server = await startScriptedMcpServer(answer);
    app = await startClientApp({ servers: { s: { url: server.url } }, dlq: false });
    return app.client.callToolWithRetry('s', 'charge', {}).catch((error: unknown) => error);
  }

  it('skips SSE events of another type than message, their ids kept, and reads the answer', async () => {
    const outcome = await callWith(({ res, message }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: heartbeat\ndata: keepalive\n\n');
      res.write('id: e1\nevent: endpoint\ndata: {"hello":1}\n\n');
      res.end(`data: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result: RESULT })}\n\n`);
    });
    expect(outcome).toEqual(RESULT);
    expect(server!.count('tools/call')).toBe(1);
  });

  it('reads on past a notification with a member of its own (the tool ran)', async () => {
    const outcome = await callWith(({ res, message }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const note = {
        jsonrpc: '2.0',
        method: 'notifications/message',
        params: { level: 'info', data: 'x' },
      };
      res.write(`data: ${JSON.stringify({ ...note, vendor: { trace: 1 } })}\n\n`);
      res.end(`data: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result: RESULT })}\n\n`);
    });
    expect(outcome).toEqual(RESULT);
  });

  it('reads an SSE answer whose Content-Type is in capitals', async () => {
    const outcome = await callWith(({ res, message }) => {
      res.writeHead(200, { 'content-type': 'Text/Event-Stream; charset=UTF-8' });
      res.end(
        `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result: RESULT })}\n\n`,
      );
    });
    expect(outcome).toEqual(RESULT);
  });

  for (const form of ['json', 'sse'] as const) {
    it(`takes an error without an id as the answer to the one request (${form})`, async () => {
      const error = { code: -32600, message: 'Invalid Request: unreadable body', data: { at: 1 } };
      const body = JSON.stringify({ jsonrpc: '2.0', error });
      const outcome = await callWith(({ res }) => {
        if (form === 'json') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(body);
        } else {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(`data: ${body}\n\n`);
        }
      });
      expect(isMcpProtocolError(outcome)).toBe(true);
      expect(outcome).toMatchObject({ code: -32600, data: { at: 1 } });
      expect((outcome as McpProtocolError).message).toContain('unreadable body');
      // A request the server could not read did not run: not a delivery-unknown failure.
      expect((outcome as McpProtocolError).delivery).not.toBe('unknown');
      expect(server!.count('tools/call')).toBe(1);
    });
  }
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isMcpDeliveryUnknownError,
  isMcpResponseTooLargeError,
  type McpDeliveryUnknownError,
  type McpResponseTooLargeError,
} from '@app/fastmcp';
import { readRequestText } from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type LoopbackServer, serveOnLoopback } from '../support/loopback-server.js';

type Rpc = { id?: number | string; method?: string; params?: Record<string, unknown> };

const VERSION = '2026-07-28';
const TOOL = { name: 'pay', inputSchema: { type: 'object', properties: {} } };
const API_KEY = 'sk-live-cut-body-0123456789';

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * A 400 whose JSON-RPC error code comes after 100 KiB of `data`, past what the client reads of an
 * error body. The padding opens with the request's API key, as a careless server might echo it.
 */
function cutBefore400Code(req: IncomingMessage, res: ServerResponse, message: Rpc): void {
  const padding = `${String(req.headers['x-api-key'])} ${'x'.repeat(100 * 1024)}`;
  json(res, 400, {
    jsonrpc: '2.0',
    id: message.id,
    error: { data: { padding }, code: -32022, message: 'Unsupported protocol version' },
  });
}

/** A 400 whose body breaks off: the connection is reset after its first bytes. */
function brokenOff400(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(400, { 'content-type': 'application/json', 'content-length': '1000' });
  res.write('{"jsonrpc":"2.0","error":{', () => res.socket?.destroy());
}

type Answer = (req: IncomingMessage, res: ServerResponse, message: Rpc) => void;

/**
 * A hostile modern server: discover, one tool, `tools/call`, and `initialize` as a 2025-era server
 * would answer it (so falling back to that era would work). Counts every method it is sent.
 */
async function startHostileServer(
  cutMethod: 'server/discover' | 'tools/call',
  answer: Answer = cutBefore400Code,
) {
  const sent = new Map<string, number>();
  const server = await serveOnLoopback(async (req, res) => {
    const message = JSON.parse(await readRequestText(req)) as Rpc;
    const method = message.method ?? '';
    sent.set(method, (sent.get(method) ?? 0) + 1);
    const reply = (result: unknown): void =>
      json(res, 200, { jsonrpc: '2.0', id: message.id, result });
    if (method === cutMethod) return answer(req, res, message);
    if (method === 'server/discover') {
      return reply({ supportedVersions: [VERSION], capabilities: { tools: {} } });
    }
    if (method === 'initialize') {
      return reply({
        protocolVersion: '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: 'hostile', version: '1.0.0' },
      });
    }
    if (method === 'tools/list') return reply({ tools: [TOOL] });
    if (method === 'tools/call') return reply({ content: [{ type: 'text', text: 'paid' }] });
    if (message.id === undefined) return void res.writeHead(202).end();
    json(res, 404, { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'no' } });
  });
  return {
    server,
    url: `http://127.0.0.1:${server.port}/mcp`,
    sent: (method: string) => sent.get(method) ?? 0,
  };
}

describe('a modern 400 whose body is cut by the read limit before its JSON-RPC code', () => {
  let app: ClientTestApp | undefined;
  let server: LoopbackServer | undefined;

  afterEach(async () => {
    await app?.close();
    await server?.close();
    app = undefined;
    server = undefined;
  });

  async function start(cutMethod: 'server/discover' | 'tools/call') {
    const hostile = await startHostileServer(cutMethod);
    server = hostile.server;
    app = await startClientApp({
      servers: { hostile: { url: hostile.url, headers: { 'x-api-key': API_KEY } } },
      dlq: false,
    });
    return { app, sent: hostile.sent };
  }

  function expectUnreadBody(error: unknown): void {
    expect(isMcpResponseTooLargeError(error)).toBe(true);
    const tooLarge = error as McpResponseTooLargeError;
    expect(tooLarge.limit).toBe('error_body');
    expect(tooLarge.message).toContain('could not be read');
    expect(inspect(error, { depth: 10 })).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  }

  it('to tools/call: fails typed after one call, without falling back to the 2025 era', async () => {
    const { app, sent } = await start('tools/call');
    const error = await app.client.callToolWithRetry('hostile', 'pay', {}).catch((e: unknown) => e);
    expect(sent('initialize')).toBe(0);
    expect(sent('server/discover')).toBe(1);
    expect(sent('tools/call')).toBe(1);
    expectUnreadBody(error);
    // The tool is not marked safe to repeat, and nobody knows what the unread answer said.
    expect((error as McpResponseTooLargeError).delivery).toBe('unknown');
    expect((error as McpResponseTooLargeError).status).toBe(400);
  });

  it('to the server/discover probe: fails typed after one probe, not taken for a 2025 server', async () => {
    const { app, sent } = await start('server/discover');
    const error = await app.client.callToolWithRetry('hostile', 'pay', {}).catch((e: unknown) => e);
    expect(sent('initialize')).toBe(0);
    expect(sent('tools/call')).toBe(0);
    expect(sent('server/discover')).toBe(1);
    expectUnreadBody(error);
  });
});

describe('a modern 400 whose body breaks off', () => {
  let app: ClientTestApp | undefined;
  let server: LoopbackServer | undefined;

  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  it('to tools/call: a tool not safe to repeat fails as delivery unknown, sent once, no era switch', async () => {
    const hostile = await startHostileServer('tools/call', brokenOff400);
    server = hostile.server;
    app = await startClientApp({ servers: { hostile: { url: hostile.url } }, dlq: false });

    const error = await app.client.callToolWithRetry('hostile', 'pay', {}).catch((e: unknown) => e);

    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect((error as McpDeliveryUnknownError).cause).toMatchObject({
      name: 'McpTransportError',
      failure: 'stream_cut',
    });
    expect(hostile.sent('initialize')).toBe(0);
    expect(hostile.sent('tools/call')).toBe(1);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { ServerMessageEvent, ServerRequestEvent } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type RawModernServerHandle,
  sseEvent,
  startRawModernServer,
} from '../support/raw-modern-server.js';

const CLIENT = 'raw';
const FORM = { type: 'object', properties: { password: { type: 'string' } } };
/** Requests a 2026-07-28 server MUST NOT send on a response stream. */
const STREAM_REQUESTS = [
  {
    id: 'srv-1',
    method: 'elicitation/create',
    params: { mode: 'form', message: 'password?', requestedSchema: FORM },
  },
  { id: 'srv-2', method: 'ping' },
  { id: 'srv-3', method: 'roots/list' },
  {
    id: 'srv-4',
    method: 'sampling/createMessage',
    params: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 5 },
  },
];

describe('requests on a 2026-07-28 response stream (raw server)', () => {
  let server: RawModernServerHandle;
  let app: ClientTestApp;
  const logger = new CapturingLogger();
  const handled: string[] = [];
  const requests: ServerRequestEvent[] = [];
  const messages: ServerMessageEvent[] = [];

  beforeAll(async () => {
    server = await startRawModernServer((message) => {
      if (message.method === 'tools/list') {
        return { tools: [{ name: 'work', inputSchema: { type: 'object' } }] };
      }
      if (message.method !== 'tools/call') return undefined;
      return async (res, call) => {
        const meta = call.params?._meta as { progressToken?: string | number } | undefined;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(
          sseEvent({
            jsonrpc: '2.0',
            method: 'notifications/progress',
            params: { progressToken: meta?.progressToken, progress: 1, total: 2 },
          }),
        );
        for (const request of STREAM_REQUESTS) res.write(sseEvent({ jsonrpc: '2.0', ...request }));
        res.write(
          sseEvent({
            jsonrpc: '2.0',
            method: 'notifications/message',
            params: { level: 'info', data: 'half way' },
          }),
        );
        // Time for an answer to be POSTed, had the client sent one.
        await sleep(300);
        res.end(sseEvent({ jsonrpc: '2.0', id: call.id, result: { content: [] } }));
      };
    });
    app = await startClientApp(
      {
        servers: { [CLIENT]: { url: server.url } },
        handlers: {
          elicitation: () => {
            handled.push('elicitation');
            return { action: 'accept', content: { password: 'hunter2' } };
          },
          sampling: () => {
            handled.push('sampling');
            return { role: 'assistant', content: { type: 'text', text: 'x' }, model: 'm' };
          },
          roots: () => {
            handled.push('roots');
            return { roots: [] };
          },
        },
        dlq: false,
      },
      logger,
    );
    app.events.on('server.request', (event) => requests.push(event));
    app.events.on('server.message', (event) => messages.push(event));
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('runs no handler, answers nothing, and still completes the call', async () => {
    const progress: Progress[] = [];
    const result = await app.client.callToolWithRetry(
      CLIENT,
      'work',
      {},
      { onProgress: (p) => progress.push(p) },
    );
    expect(result).toMatchObject({ content: [] });
    await sleep(100);
    expect(handled).toEqual([]);
    // Not a single JSON-RPC response was POSTed, not even to the ping.
    expect(server.requests.filter((r) => r.message.method === undefined)).toEqual([]);
    expect(requests).toEqual(
      STREAM_REQUESTS.map(({ method }) => ({ clientId: CLIENT, method, outcome: 'dropped' })),
    );
    // The notifications on the same stream are still read.
    expect(progress).toEqual([{ progress: 1, total: 2 }]);
    expect(messages).toEqual([
      { clientId: CLIENT, level: 'info', logger: undefined, data: 'half way' },
    ]);
    const warnings = logger.lines.filter(
      (l) => l.level === 'warn' && l.message.includes('2026-07-28 response stream'),
    );
    expect(warnings).toHaveLength(1);
  });
});

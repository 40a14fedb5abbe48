import { getEventListeners } from 'node:events';
import type { JSONRPCMessage, ListRootsResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import {
  isMcpInputRequiredError,
  type McpInputRequiredError,
} from '../errors/mcp-input-required.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { resolveOptions } from '../options/resolve-options.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { type ExchangeContext, ServerMessageDispatcher } from './server-message.dispatcher.js';

const API_KEY = 'configured-api-key-0123456';

describe('ServerMessageDispatcher input requests', () => {
  const dispatcher = new ServerMessageDispatcher(resolveOptions({}), new FastMcpEvents());
  const upstream = new UpstreamText({
    url: 'http://127.0.0.1:1/mcp',
    headers: { 'X-Api-Key': API_KEY },
  });
  const context = { clientId: 'github', signal: new AbortController().signal };
  const answer = async (requests: Record<string, unknown>) =>
    (await dispatcher.answerInputRequests(requests, context, upstream).then(
      () => undefined,
      (error: unknown) => error,
    )) as McpInputRequiredError;

  it("names a request's method and key scrubbed and capped: they are the server's words", async () => {
    const unknown = await answer({ one: { method: `x/${API_KEY}` } });
    expect(isMcpInputRequiredError(unknown)).toBe(true);
    expect(unknown.failure).toBe('invalid');
    expect(unknown.message).toBe(
      'MCP error -32603: input_required: input request one is x/[REDACTED], not elicitation, sampling or roots',
    );
    expect(unknown.method).toBe('x/[REDACTED]');

    const noHandler = await answer({ one: { method: 'roots/list' } });
    expect(noHandler.failure).toBe('no_handler');
    expect(noHandler.message).toBe('MCP error -32603: input_required: no handler for roots/list');

    const invalid = await answer({ [`${API_KEY}${'k'.repeat(500)}`]: { params: {} } });
    expect(invalid.failure).toBe('invalid');
    expect(invalid.message).not.toContain(API_KEY);
    expect(invalid.message.length).toBeLessThan(200);
  });
});

describe('ServerMessageDispatcher server.request events', () => {
  it("names a request's method scrubbed, answered or dropped: it is the server's word", async () => {
    const events = new FastMcpEvents();
    const methods: string[] = [];
    events.on('server.request', (e) => methods.push(`${e.outcome} ${e.method}`));
    const dispatcher = new ServerMessageDispatcher(resolveOptions({}), events);
    const upstream = new UpstreamText({
      url: 'http://127.0.0.1:1/mcp',
      headers: { 'X-Api-Key': API_KEY },
    });
    const signal = new AbortController().signal;
    const answered = {
      clientId: 'c',
      signal,
      handling: new Map(),
      upstream,
      reply: async () => {},
    };
    dispatcher.dispatch({ jsonrpc: '2.0', id: 1, method: `x/${API_KEY}` }, answered);
    await new Promise((resolve) => setImmediate(resolve));
    dispatcher.dispatch(
      { jsonrpc: '2.0', id: 2, method: `y/${API_KEY}` },
      { ...answered, reply: undefined },
    );
    expect(methods).toEqual(['unsupported x/[REDACTED]', 'dropped y/[REDACTED]']);
  });

  it('raises one for an input request without a method too, as failed', async () => {
    const events = new FastMcpEvents();
    const outcomes: string[] = [];
    events.on('server.request', (e) => outcomes.push(`${e.outcome} ${e.method}`));
    const dispatcher = new ServerMessageDispatcher(resolveOptions({}), events);
    const upstream = new UpstreamText({ url: 'http://127.0.0.1:1/mcp', headers: {} });
    const context = { clientId: 'c', signal: new AbortController().signal };
    const settle = (requests: Record<string, unknown>) =>
      dispatcher.answerInputRequests(requests, context, upstream).catch(() => undefined);
    await settle({ a: { method: 'ping' } });
    await settle({ b: { method: 42 } });
    // A ping is no input request in 2026-07-28: refused unanswered.
    expect(outcomes).toEqual(['unsupported ping', 'failed 42']);
  });
});

/** A notification whose `params` count how often they are read. */
function countingNotification(
  method: string,
  params: unknown,
): { message: JSONRPCMessage; reads: () => number } {
  let reads = 0;
  const message = { jsonrpc: '2.0', method } as JSONRPCMessage;
  Object.defineProperty(message, 'params', {
    enumerable: true,
    get: () => {
      reads += 1;
      return params;
    },
  });
  return { message, reads: () => reads };
}

function exchange(signal: AbortSignal, reply?: ExchangeContext['reply']): ExchangeContext {
  const upstream = new UpstreamText({ url: 'http://127.0.0.1/mcp', headers: {} });
  return { clientId: 'flood', signal, handling: new Map(), reply, upstream };
}

describe('ServerMessageDispatcher notifications', () => {
  const events = new FastMcpEvents();
  const dispatcher = new ServerMessageDispatcher(resolveOptions({}), events);
  const context = exchange(new AbortController().signal);

  it('ignores a method it does not use without reading its params', () => {
    for (const method of ['notifications/tasks/status', 'notifications/tools/list_changed']) {
      const { message, reads } = countingNotification(method, { uri: 'file:///x' });
      dispatcher.dispatch(message, context);
      expect(reads()).toBe(0);
    }
  });

  it('raises a subscribed resource update, its uri scrubbed of the request secrets', () => {
    const raised: unknown[] = [];
    const stop = events.on('server.resource_updated', (event) => raised.push(event));
    const upstream = new UpstreamText({
      url: 'http://127.0.0.1:1/mcp',
      headers: { 'X-Api-Key': API_KEY },
    });
    const message = {
      jsonrpc: '2.0',
      method: 'notifications/resources/updated',
      params: { uri: `config://app?key=${API_KEY}` },
    } as JSONRPCMessage;
    dispatcher.dispatch(message, { ...context, upstream });
    dispatcher.dispatch({ ...message, params: { uri: 7 } }, context);
    stop();
    expect(raised).toHaveLength(1);
    expect(JSON.stringify(raised)).not.toContain(API_KEY);
    const [update] = raised as Array<{ clientId: string; uri: string }>;
    expect(update.clientId).toBe('flood');
    expect(update.uri.startsWith('config://app?key=')).toBe(true);
  });

  it("checks a log message with the log message's schema alone, and raises it", () => {
    const raised: unknown[] = [];
    const stop = events.on('server.message', (event) => raised.push(event));
    const { message, reads } = countingNotification('notifications/message', {
      level: 'info',
      data: 'hello',
    });
    dispatcher.dispatch(message, context);
    stop();
    expect(raised).toEqual([
      { clientId: 'flood', level: 'info', logger: undefined, data: 'hello' },
    ]);
    expect(reads()).toBe(1);
  });

  it('still aborts the handler a cancellation names, and raises progress', () => {
    const handling = new AbortController();
    const withHandler: ExchangeContext = { ...context, handling: new Map([['r1', handling]]) };
    const progress: unknown[] = [];
    const stop = events.on('server.progress', (event) => progress.push(event));
    dispatcher.dispatch(
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'r1' } },
      withHandler,
    );
    dispatcher.dispatch(
      {
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 7, progress: 1 },
      },
      withHandler,
    );
    stop();
    expect(handling.signal.aborted).toBe(true);
    expect(progress).toEqual([{ clientId: 'flood', progressToken: 7, progress: 1 }]);
  });
});

/**
 * The signals Node keeps linked to `signal` for AbortSignal.any (on Node 20, one entry per call,
 * kept as long as `signal` lives); 0 where Node keeps no such set.
 */
function dependantsOf(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find(
    (symbol) => symbol.description === 'kDependantSignals',
  );
  // Node's own SafeSet: a Set by shape, not by `instanceof`.
  const set = (key === undefined ? undefined : Reflect.get(signal, key)) as { size?: unknown };
  return typeof set?.size === 'number' ? set.size : 0;
}

describe("ServerMessageDispatcher requests on a long-lived stream (the session's GET stream)", () => {
  const ANSWERED = 200;
  const handlerSignals: AbortSignal[] = [];
  let release: (() => void) | undefined;
  const dispatcher = new ServerMessageDispatcher(
    resolveOptions({
      handlers: {
        roots: ({ signal }): Promise<ListRootsResult> => {
          handlerSignals.push(signal);
          return new Promise((resolve) => {
            release = () => resolve({ roots: [] });
          });
        },
      },
    }),
    new FastMcpEvents(),
  );

  it('leaves nothing on the stream signal once each request is answered', async () => {
    const stream = new AbortController();
    let replies = 0;
    const context = exchange(stream.signal, () => {
      replies += 1;
      return Promise.resolve();
    });
    for (let id = 1; id <= ANSWERED; id += 1) {
      dispatcher.dispatch({ jsonrpc: '2.0', id, method: 'ping' }, context);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(replies).toBe(ANSWERED);
    expect(getEventListeners(stream.signal, 'abort')).toHaveLength(0);
    expect(dependantsOf(stream.signal)).toBe(0);
  });

  it("still aborts a running handler's signal when the stream ends", async () => {
    const stream = new AbortController();
    const context = exchange(stream.signal, () => Promise.resolve());
    dispatcher.dispatch({ jsonrpc: '2.0', id: 'roots-1', method: 'roots/list' }, context);
    await new Promise((resolve) => setImmediate(resolve));
    const signal = handlerSignals.at(-1);
    expect(signal?.aborted).toBe(false);
    stream.abort();
    expect(signal?.aborted).toBe(true);
    release?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(stream.signal, 'abort')).toHaveLength(0);
  });
});

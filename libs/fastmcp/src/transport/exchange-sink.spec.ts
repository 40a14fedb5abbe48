import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { McpAbortedError } from '../errors/mcp-aborted.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { DEFAULT_RETRY_OPTIONS } from '../options/fastmcp-options.defaults.js';
import type {
  ExchangeContext,
  ServerMessageDispatcher,
} from '../protocol/server-message.dispatcher.js';
import { RetryRun } from '../retry/retry-run.js';
import type { ExchangeOptions } from './exchange-options.interface.js';
import { exchangeSink } from './exchange-sink.js';
import type { HttpTarget } from './http-target.interface.js';
import { UpstreamText } from './upstream-text.js';

const TARGET: HttpTarget = { url: 'http://127.0.0.1:1/mcp', headers: {} };
const REQUEST: JSONRPCRequest = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: {} };
const PING: JSONRPCMessage = { jsonrpc: '2.0', id: 'p1', method: 'ping' };

/** The sink of one exchange, over a dispatcher that keeps the context of each message. */
async function openSink(exchange: ExchangeOptions = {}, target = TARGET, signal?: AbortSignal) {
  const run = new RetryRun({
    signal,
    operation: 'call_tool',
    clientId: 'c1',
    policy: { ...DEFAULT_RETRY_OPTIONS, jitter: 0 },
    clock: new FakeClock(),
    events: new FastMcpEvents(),
  });
  await run.beginAttempt();
  const contexts: ExchangeContext[] = [];
  const dispatcher = {
    dispatch: (_message: JSONRPCMessage, context: ExchangeContext) => contexts.push(context),
  } as unknown as ServerMessageDispatcher;
  const { sink, end } = exchangeSink(
    dispatcher,
    target,
    REQUEST,
    run,
    exchange,
    new UpstreamText(target),
    () => Promise.resolve(),
  );
  sink(PING);
  return { run, context: contexts[0], end, sink, contexts };
}

describe('exchangeSink', () => {
  it('gives the dispatcher one context per exchange, with the progress token and reply', async () => {
    const { context, sink, contexts } = await openSink({ progress: { resetTimeout: false } });
    sink(PING);
    expect(contexts[1]).toBe(context);
    expect(context.clientId).toBe('c1');
    expect(context.progressToken).toBe(7);
    expect(context.reply).toBeTypeOf('function');
    const modern = await openSink({}, { ...TARGET, era: 'modern' });
    expect(modern.context.reply).toBeUndefined();
    expect(modern.context.progressToken).toBeUndefined();
  });

  it("aborts the handlers' signal when the exchange ends, also when first read after", async () => {
    const before = await openSink();
    const signal = before.context.signal;
    expect(signal.aborted).toBe(false);
    before.end();
    expect(signal.aborted).toBe(true);
    const after = await openSink();
    after.end();
    expect(after.context.signal.aborted).toBe(true);
  });

  it("aborts the handlers' signal with the attempt", async () => {
    const caller = new AbortController();
    const { run, context } = await openSink({}, TARGET, caller.signal);
    const signal = context.signal;
    expect(signal.aborted).toBe(false);
    caller.abort();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(run.attemptSignal?.reason);
    expect(signal.reason).toBeInstanceOf(McpAbortedError);
  });

  it('hands progress to the caller and keeps the call going when its handler throws', async () => {
    const seen: number[] = [];
    const { context } = await openSink({
      progress: {
        resetTimeout: false,
        onProgress: (update) => {
          seen.push(update.progress);
          throw new Error('caller bug');
        },
      },
    });
    context.onProgress?.({ progress: 1 });
    context.onProgress?.({ progress: 2 });
    expect(seen).toEqual([1, 2]);
  });

  // A literal with a getter made each context a dictionary-mode object whose accessor pair V8
  // keeps in the old generation: the whole call it reached was promoted out of the young one.
  it('keeps the signal accessor on the shared prototype, never on the context itself', async () => {
    const { context } = await openSink();
    expect(Object.getOwnPropertyDescriptor(context, 'signal')).toBeUndefined();
    const other = (await openSink()).context;
    expect(Object.getPrototypeOf(other)).toBe(Object.getPrototypeOf(context));
  });
});

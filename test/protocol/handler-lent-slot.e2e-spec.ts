import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import type { BulkheadQueueEvent, FastMcpModuleOptions } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';

type Handlers = NonNullable<FastMcpModuleOptions['handlers']>;

const CLIENT = 'lend';
/** One slot: a handler's call to the same server could only wait for the slot its stream holds. */
const ONE_SLOT = { rateLimit: { maxConcurrent: 1, requestsPerSecond: 1000, adaptive: false } };

/** A promise and its resolve (Promise.withResolvers is not in Node 20). */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function sampled(text: string): CreateMessageResult {
  return { role: 'assistant', content: { type: 'text', text }, model: 'test-model' };
}

/** The text the server's `sample_text` tool got back from the client's sampling handler. */
function sampledText(result: { structuredContent?: unknown }): unknown {
  const report = result.structuredContent as { answer?: { result?: CreateMessageResult } };
  const content = report.answer?.result?.content;
  return content && 'text' in content ? content.text : report.answer;
}

describe('a handler answering the server lends its attempt’s bulkhead slot (maxConcurrent: 1)', () => {
  let server: ProtocolSdkServerHandle;
  let app: ClientTestApp | undefined;
  const queued: BulkheadQueueEvent[] = [];

  beforeAll(async () => {
    server = await startProtocolSdkServer();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    queued.length = 0;
  });

  afterAll(async () => {
    await server?.close();
  });

  async function start(handlers: Handlers): Promise<ClientTestApp> {
    app = await startClientApp({
      servers: { [CLIENT]: { url: server.url, resilience: ONE_SLOT } },
      handlers,
      dlq: false,
    });
    app.events.on('bulkhead.queue', (event) => queued.push(event));
    return app;
  }

  /** Starts `sample_text` with a sampling handler that waits until `answer`; resolves once it waits. */
  async function callWithWaitingHandler() {
    let answer!: (result: CreateMessageResult) => void;
    const handlerStarted = deferred<void>();
    const client = await start({
      sampling: () =>
        new Promise<CreateMessageResult>((resolve) => {
          answer = resolve;
          handlerStarted.resolve(undefined);
        }),
    });
    const outer = client.client.callToolWithRetry(CLIENT, 'sample_text', { prompt: 'slow' });
    await handlerStarted.promise;
    return { client, outer, answer };
  }

  it('a sampling handler that calls a tool of the same server gets its answer, and so does the outer call', async () => {
    const client = await start({
      sampling: async () => {
        const inner = await client.client.callToolWithRetry(CLIENT, 'ping_then_answer', {});
        const report = inner.structuredContent as { answer?: { ok?: boolean } };
        return sampled(`inner call ok: ${String(report.answer?.ok)}`);
      },
    });
    const outer = await client.client.callToolWithRetry(CLIENT, 'sample_text', { prompt: 'hi' });
    expect(sampledText(outer)).toBe('inner call ok: true');
    // The inner call went straight to the lent slot: it never queued behind its own outer call.
    expect(queued.filter((e) => e.queued > 0)).toEqual([]);
  });

  it('while a handler waits (a person answering), another call to the server goes through', async () => {
    const { client, outer, answer } = await callWithWaitingHandler();
    const other = await client.client.callToolWithRetry(CLIENT, 'ping_then_answer', {});
    expect((other.structuredContent as { answer?: { ok?: boolean } }).answer?.ok).toBe(true);
    answer(sampled('answered later'));
    expect(sampledText(await outer)).toBe('answered later');
  });

  it('gives the slot back once: after a lend, two calls at once still take turns through the one slot', async () => {
    const { client, outer, answer } = await callWithWaitingHandler();
    answer(sampled('done'));
    await expect(outer).resolves.toBeDefined();
    // A slot freed twice (by the lend and the release) would let both through at once.
    const [first, second] = await Promise.all([
      client.client.callToolWithRetry(CLIENT, 'ping_then_answer', {}),
      client.client.callToolWithRetry(CLIENT, 'ping_then_answer', {}),
    ]);
    expect(first.isError).not.toBe(true);
    expect(second.isError).not.toBe(true);
    expect(queued.some((e) => e.queued === 1)).toBe(true);
  });
});

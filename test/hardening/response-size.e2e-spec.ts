// Issue 12, item 1: an upstream answer that never ends (or is just huge) fails its attempt with a
// typed, non-retryable error, closes the socket, and never grows the heap past a bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMcpProtocolError, isMcpResponseTooLargeError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { dataLines, type EndlessOutcome, streamEndless } from '../support/endless-answer.js';
import { HeapPeak, MiB } from '../support/heap-peak.js';
import {
  answerJson,
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const CAP = 8 * MiB;
/** Where the server stops by itself: far past the cap, so an uncapped client holds it all. */
const SERVER_LIMIT = 160 * MiB;
const UNIT = Buffer.alloc(64 * 1024, 'x');

const outcomes: Promise<EndlessOutcome>[] = [];

/** tools/list: `data: xxxx...` without a newline; tools/call by tool name. */
function answer({ res, message }: ScriptedRequest): void {
  const sse = 'text/event-stream';
  if (message.method === 'tools/list') {
    const unit = UNIT;
    outcomes.push(
      streamEndless(res, { contentType: sse, prefix: 'data: ', unit, maxBytes: SERVER_LIMIT }),
    );
    return;
  }
  const name = message.params?.name;
  if (name === 'huge-event') {
    const unit = dataLines(64 * 1024);
    outcomes.push(
      streamEndless(res, { contentType: sse, prefix: '', unit, maxBytes: SERVER_LIMIT }),
    );
    return;
  }
  const size = name === 'json-33mib' ? 33 * MiB : 2 * MiB;
  answerJson(res, message, { content: [{ type: 'text', text: 'x'.repeat(size) }] });
}

async function failureOf(call: Promise<unknown>): Promise<Error> {
  return (await call.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  )) as Error;
}

let server: ScriptedMcpServerHandle;
beforeAll(async () => {
  server = await startScriptedMcpServer(answer);
});
afterAll(() => server.close());

describe('with maxResponseBytes at 8 MiB', () => {
  let app: ClientTestApp;
  beforeAll(async () => {
    app = await startClientApp({
      maxResponseBytes: CAP,
      servers: {
        big: { url: server.url, tools: { 'huge-event': { retry: 'always' } } },
        small: { url: server.url, maxResponseBytes: 1 * MiB },
      },
      retry: { maxRetries: 1, requestTimeoutMs: 20_000 },
    });
  });
  afterAll(() => app.close());

  it('an endless SSE line fails once as too large, closes the socket, and stays in bounds', async () => {
    outcomes.length = 0;
    const before = server.count('tools/list');
    const heap = new HeapPeak();
    const error = await failureOf(app.client.listToolsWithRetry('big'));
    const { delta } = heap.stop();
    console.info(`endless SSE line: heap peak delta ${(delta / MiB).toFixed(1)} MiB`);

    expect(isMcpResponseTooLargeError(error)).toBe(true);
    expect(isMcpProtocolError(error)).toBe(true);
    expect(error.message).toMatch(/response too large/);
    expect(server.count('tools/list') - before).toBe(1);
    const [outcome] = await Promise.all(outcomes);
    expect(outcome?.hungUp).toBe(true);
    expect(outcome?.sent).toBeLessThan(SERVER_LIMIT);
    expect(delta).toBeLessThan(3 * CAP);
  });

  it('an event that never ends (data lines, no blank line) fails the same way, not retried', async () => {
    outcomes.length = 0;
    const before = server.count('tools/call');
    const heap = new HeapPeak();
    const error = await failureOf(app.client.callToolWithRetry('big', 'huge-event'));
    const { delta } = heap.stop();
    console.info(`endless SSE event: heap peak delta ${(delta / MiB).toFixed(1)} MiB`);

    expect(isMcpResponseTooLargeError(error)).toBe(true);
    expect(error.message).toMatch(/response too large/);
    expect(server.count('tools/call') - before).toBe(1);
    const [outcome] = await Promise.all(outcomes);
    expect(outcome?.hungUp).toBe(true);
    expect(delta).toBeLessThan(3 * CAP);
  });

  it("a server's own maxResponseBytes overrides the module's", async () => {
    const ok = await app.client.callToolWithRetry('big', 'json-2mib');
    expect(ok.content).toHaveLength(1);
    const error = await failureOf(app.client.callToolWithRetry('small', 'json-2mib'));
    expect(isMcpResponseTooLargeError(error)).toBe(true);
    expect(error.message).toMatch(/response too large/);
  });
});

describe('with the default maxResponseBytes (32 MiB)', () => {
  let app: ClientTestApp;
  beforeAll(async () => {
    app = await startClientApp({ servers: { plain: { url: server.url } } });
  });
  afterAll(() => app.close());

  it('a JSON answer over the cap says too large, not "not valid JSON"', async () => {
    const error = await failureOf(app.client.callToolWithRetry('plain', 'json-33mib'));
    expect(error.message).toMatch(/too large/);
    expect(error.message).not.toMatch(/not valid JSON/);
  });
});

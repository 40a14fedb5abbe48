// A server that packs notifications into one answer (a JSON-RPC batch as a JSON body, or as one
// SSE event) cannot hold the call past its budget: a batch over MAX_BATCH_MESSAGES fails typed
// before any of it is handled, a batch within it is handled a few messages a turn so the
// attempt's timeout still fires, and notifications the client does not use are never parsed.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isMcpDeliveryUnknownError,
  isMcpProtocolError,
  isMcpTimeoutError,
  type McpProtocolError,
} from '@app/fastmcp';
import { MAX_BATCH_MESSAGES } from '../../libs/fastmcp/src/transport/message-batch.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { answerWithBatch, answerWithEvents, type FloodForm } from '../support/flood-messages.js';
import type { RawMessage } from '../support/raw-mcp-server/raw-mcp-server.interface.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

/** Far over the cap: what the audit sent (347k) scaled down, each still a valid log message. */
const FLOOD = 50_000;
/** How long a slow `server.message` listener (a log sink, say) takes per message. */
const SLOW_LISTENER_MS = 4;
/** Generous room past the budget for a loaded machine; still far below the slow listener's 4 s. */
const SLACK_MS = 1500;

/** What the next tools/call is answered with. */
let answer: (request: ScriptedRequest) => void = () => undefined;
let server: ScriptedMcpServerHandle;
let app: ClientTestApp;
let logMessages = 0;
let slowListener = false;

beforeAll(async () => {
  server = await startScriptedMcpServer((request) => answer(request));
  app = await startClientApp({
    servers: { flood: { url: server.url } },
    retry: { requestTimeoutMs: 400, totalTimeoutMs: 800 },
    dlq: false,
  });
  app.events.on('server.message', () => {
    logMessages += 1;
    if (!slowListener) return;
    const until = Date.now() + SLOW_LISTENER_MS;
    while (Date.now() < until) {
      // A listener that keeps the event loop busy, as a synchronous log sink does.
    }
  });
});
afterEach(() => {
  logMessages = 0;
  slowListener = false;
});
afterAll(async () => {
  await app?.close();
  await server?.close();
});

/** The call's outcome and how long it took. */
async function timedCall(retry: {
  requestTimeoutMs: number;
  totalTimeoutMs: number;
}): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await app.client.callToolWithRetry('flood', 'anything', {}, { retry }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

describe.each<FloodForm>(['json', 'sse'])('a batch as one %s answer', (form) => {
  it(`over ${MAX_BATCH_MESSAGES} messages: McpProtocolError -32600, none handled, not retried`, async () => {
    answer = ({ res, message }) => answerWithBatch(res, message, form, FLOOD);
    const before = server.count('tools/call');
    const budget = { requestTimeoutMs: 3000, totalTimeoutMs: 4000 };

    const { error, ms } = await timedCall(budget);

    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as McpProtocolError).code).toBe(-32600);
    expect((error as Error).message).toContain(`at most ${MAX_BATCH_MESSAGES}`);
    expect(logMessages).toBe(0);
    expect(server.count('tools/call') - before).toBe(1);
    expect(ms).toBeLessThan(budget.totalTimeoutMs + SLACK_MS);
  });

  it('within the cap, with a slow listener: the attempt times out, the rest is not handled', async () => {
    answer = ({ res, message }) => answerWithBatch(res, message, form, MAX_BATCH_MESSAGES - 1);
    slowListener = true;
    const budget = { requestTimeoutMs: 400, totalTimeoutMs: 800 };

    const { error, ms } = await timedCall(budget);
    const handled = logMessages;
    await sleep(300);

    const timeout = isMcpDeliveryUnknownError(error) ? error.cause : error;
    expect(isMcpTimeoutError(timeout)).toBe(true);
    // Handled in one go, all 999 would take 4 s and the call would end "ok".
    expect(handled).toBeGreaterThan(0);
    expect(handled).toBeLessThan(MAX_BATCH_MESSAGES / 2);
    expect(logMessages).toBe(handled);
    expect(ms).toBeLessThan(budget.totalTimeoutMs + SLACK_MS);
  });
});

it('a flood of notifications the client does not use is ignored unread, and the call ends ok', async () => {
  // Not valid MCP (`_meta.progressToken` must be a string or an integer): no schema may run on it.
  const ignored = (index: number): RawMessage => ({
    jsonrpc: '2.0',
    method: 'notifications/resources/updated',
    params: { uri: `file:///${index}`, _meta: { progressToken: { index } } },
  });
  answer = ({ res, message }) => answerWithEvents(res, message, 20_000, ignored);
  const progress: unknown[] = [];
  const stop = app.events.on('server.progress', (event) => progress.push(event));

  const result = await app.client.callToolWithRetry(
    'flood',
    'anything',
    {},
    {
      retry: { requestTimeoutMs: 10_000, totalTimeoutMs: 20_000 },
    },
  );
  stop();

  expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
  expect(progress).toEqual([]);
  expect(logMessages).toBe(0);
});

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type CreateMessageRequest,
  type CreateMessageResult,
  type ElicitRequest,
  type ElicitResult,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { McpAbortedError, type FastMcpModuleOptions, type ServerRequestEvent } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { PROFILE_FORM } from '../support/protocol-server/client-request-tools.js';
import { startProtocolSdkServer } from '../support/protocol-server/protocol-sdk-server.js';
import type { ProtocolSdkServerHandle } from '../support/protocol-server/protocol-sdk-server.interface.js';
import { startRawMcpServer } from '../support/raw-mcp-server/raw-mcp-server.js';
import type { RawMcpServerHandle } from '../support/raw-mcp-server/raw-mcp-server.interface.js';

type Handlers = NonNullable<FastMcpModuleOptions['handlers']>;
type Report = Record<string, unknown>;

const CLIENT = 'proto';
/** Well under the tools' 5 s wait for an answer: a call that waits for it did not get one. */
const QUICK_MS = 1500;

/** Boots a client app on `url` with `handlers`, recording its server.request events. */
async function startApp(url: string, handlers?: Handlers) {
  const app = await startClientApp({ servers: { [CLIENT]: { url } }, handlers, dlq: false });
  const requests: ServerRequestEvent[] = [];
  app.events.on('server.request', (event) => requests.push(event));
  return { app, requests };
}

/** Never settles until `signal` aborts, then rejects with its reason. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
}

async function callReport(app: ClientTestApp, tool: string, args: Report = {}) {
  const started = Date.now();
  const result = await app.client.callTool(CLIENT, tool, args);
  return { report: result.structuredContent as Report, ms: Date.now() - started };
}

describe('requests from the server, with handlers (official SDK server)', () => {
  let server: ProtocolSdkServerHandle;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  let requests: ServerRequestEvent[];
  const elicitCalls: { params: ElicitRequest['params']; clientId: string; signal: AbortSignal }[] =
    [];
  const samplingCalls: CreateMessageRequest['params'][] = [];
  /** What the elicitation handler does: answer, throw, or wait until its signal aborts. */
  let elicitAnswer: ElicitResult | Error | 'wait' = { action: 'accept', content: { name: 'Ada' } };
  const SAMPLED = {
    role: 'assistant',
    content: { type: 'text', text: 'a sampled answer' },
    model: 'test-model',
  };
  /** What the sampling and roots handlers return (an Error: thrown). */
  let samplingAnswer: unknown = SAMPLED;
  let rootsAnswer: unknown;

  beforeAll(async () => {
    server = await startProtocolSdkServer();
    proxy = await startFaultProxy(server.url);
    ({ app, requests } = await startApp(proxy.url, {
      elicitation: (params, { clientId, signal }) => {
        elicitCalls.push({ params, clientId, signal });
        if (elicitAnswer instanceof Error) throw elicitAnswer;
        if (elicitAnswer === 'wait') return untilAborted(signal);
        return structuredClone(elicitAnswer);
      },
      sampling: (params) => {
        samplingCalls.push(params);
        if (samplingAnswer instanceof Error) throw samplingAnswer;
        return samplingAnswer as CreateMessageResult;
      },
      roots: ({ clientId }) =>
        (rootsAnswer ?? { roots: [{ uri: `file:///roots/${clientId}`, name: 'home' }] }) as never,
    }));
  });

  afterEach(() => {
    proxy.clearRequests();
    requests.length = 0;
    elicitCalls.length = 0;
    elicitAnswer = { action: 'accept', content: { name: 'Ada' } };
    samplingAnswer = SAMPLED;
    rootsAnswer = undefined;
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  /** The POSTs that carried the client's answers (JSON-RPC responses, no method). */
  const answerPosts = () =>
    proxy.requests.filter((r) => r.httpMethod === 'POST' && r.jsonRpcMethod === undefined);

  it('declares elicitation in form mode with applyDefaults, and fills the defaults the handler left out', async () => {
    const { report } = await callReport(app, 'elicit_profile');
    expect(report.capability).toMatchObject({ form: { applyDefaults: true } });
    expect(report.answer).toEqual({
      ok: true,
      result: {
        action: 'accept',
        content: { name: 'Ada', age: 30, newsletter: true, color: 'blue' },
      },
    });
    expect(elicitCalls).toHaveLength(1);
    expect(elicitCalls[0]?.params).toMatchObject({
      message: PROFILE_FORM.message,
      requestedSchema: PROFILE_FORM.requestedSchema,
    });
    expect(elicitCalls[0]?.clientId).toBe(CLIENT);
    expect(elicitCalls[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(requests).toEqual([
      { clientId: CLIENT, method: 'elicitation/create', outcome: 'handled' },
    ]);
  });

  it('answers by POST, accepted with 202, on the session of the call', async () => {
    await callReport(app, 'elicit_profile');
    const [post, ...others] = answerPosts();
    expect(others).toEqual([]);
    expect(post?.status).toBe(202);
    const call = proxy.requests.find((r) => r.jsonRpcMethod === 'tools/call');
    expect(post?.headers['mcp-session-id']).toBe(call?.headers['mcp-session-id']);
    expect(post?.headers['mcp-protocol-version']).toBe(call?.headers['mcp-protocol-version']);
    expect(JSON.parse(post?.body ?? '{}')).toMatchObject({
      jsonrpc: '2.0',
      result: { action: 'accept' },
    });
  });

  it("keeps the handler's own values over the defaults, and leaves a decline alone", async () => {
    elicitAnswer = { action: 'accept', content: { name: 'Bob', age: 41, color: 'red' } };
    const accepted = await callReport(app, 'elicit_profile');
    expect(accepted.report.answer).toMatchObject({
      result: { content: { name: 'Bob', age: 41, newsletter: true, color: 'red' } },
    });
    elicitAnswer = { action: 'decline' };
    const declined = await callReport(app, 'elicit_profile');
    expect(declined.report.answer).toEqual({ ok: true, result: { action: 'decline' } });
  });

  it('answers -32603 when the handler throws, and the call still completes', async () => {
    elicitAnswer = new Error('the user went away');
    const { report, ms } = await callReport(app, 'elicit_profile');
    expect(report.answer).toMatchObject({ ok: false, code: -32603 });
    expect(ms).toBeLessThan(QUICK_MS);
    expect(requests).toEqual([
      { clientId: CLIENT, method: 'elicitation/create', outcome: 'failed' },
    ]);
  });

  it('answers -32603, sending nothing of it, when an accepted content breaks the requested schema', async () => {
    elicitAnswer = { action: 'accept', content: { name: 'Ada', age: 'not a number' } } as never;
    const { report } = await callReport(app, 'elicit_profile');
    expect(report.answer).toMatchObject({ ok: false, code: -32603 });
    expect(JSON.stringify(answerPosts().map((p) => p.body))).not.toContain('not a number');
    expect(requests).toEqual([
      { clientId: CLIENT, method: 'elicitation/create', outcome: 'failed' },
    ]);
  });

  it('answers -32603 for what is not a sampling or roots result, never a malformed response', async () => {
    samplingAnswer = { role: 'robot' };
    const sampled = await callReport(app, 'sample_text', { prompt: 'Say something' });
    expect(sampled.report.answer).toMatchObject({ ok: false, code: -32603 });
    rootsAnswer = { roots: 'home' };
    const listed = await callReport(app, 'list_roots');
    expect(listed.report.answer).toMatchObject({ ok: false, code: -32603 });
    for (const post of answerPosts()) {
      expect(JSON.parse(post.body ?? '{}')).toMatchObject({ error: { code: -32603 } });
    }
  });

  it('keeps the code of an McpError the handler threw: -1 for a sampling the user refused', async () => {
    samplingAnswer = new McpError(-1, 'User rejected sampling request');
    const { report } = await callReport(app, 'sample_text', { prompt: 'Say something' });
    expect(report.answer).toMatchObject({ ok: false, code: -1 });
    expect(String((report.answer as Report).message)).toContain('User rejected');
  });

  it("aborts the handler's signal when the caller aborts the call", async () => {
    elicitAnswer = 'wait';
    const controller = new AbortController();
    const call = app.client.callTool(CLIENT, 'elicit_profile', {}, { signal: controller.signal });
    await vi.waitFor(() => expect(elicitCalls).toHaveLength(1));
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(McpAbortedError);
    expect(elicitCalls[0]?.signal.aborted).toBe(true);
  });

  it('samples through the sampling handler', async () => {
    const { report } = await callReport(app, 'sample_text', { prompt: 'Say something' });
    expect(report.capability).not.toBeNull();
    expect(report.answer).toEqual({
      ok: true,
      result: {
        role: 'assistant',
        content: { type: 'text', text: 'a sampled answer' },
        model: 'test-model',
      },
    });
    expect(samplingCalls.at(-1)).toMatchObject({
      messages: [{ role: 'user', content: { type: 'text', text: 'Say something' } }],
      maxTokens: 64,
    });
    expect(requests).toEqual([
      { clientId: CLIENT, method: 'sampling/createMessage', outcome: 'handled' },
    ]);
  });

  it('lists roots through the roots handler', async () => {
    const { report } = await callReport(app, 'list_roots');
    expect(report.capability).not.toBeNull();
    expect(report.answer).toEqual({
      ok: true,
      result: { roots: [{ uri: `file:///roots/${CLIENT}`, name: 'home' }] },
    });
    expect(requests).toEqual([{ clientId: CLIENT, method: 'roots/list', outcome: 'handled' }]);
  });

  it('answers a ping in the middle of a call with {} at once', async () => {
    const { report } = await callReport(app, 'ping_then_answer');
    expect(report.answer).toEqual({ ok: true, result: {} });
    expect(report.pingMs).toBeLessThan(QUICK_MS);
    const [post] = answerPosts();
    expect(JSON.parse(post?.body ?? '{}')).toMatchObject({ result: {} });
    expect(post?.status).toBe(202);
  });
});

describe('requests from the server, without handlers (official SDK server)', () => {
  let server: ProtocolSdkServerHandle;
  let app: ClientTestApp;
  let requests: ServerRequestEvent[];

  beforeAll(async () => {
    server = await startProtocolSdkServer();
    ({ app, requests } = await startApp(server.url));
  });

  afterEach(() => {
    requests.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it.each([
    ['elicit_profile', 'elicitation/create', {}],
    ['sample_text', 'sampling/createMessage', { prompt: 'x' }],
    ['list_roots', 'roots/list', {}],
  ])(
    '%s: declares no capability and answers %s with -32601 at once',
    async (tool, method, args) => {
      const { report, ms } = await callReport(app, tool, args);
      expect(report.capability).toBeNull();
      expect(report.answer).toMatchObject({ ok: false, code: -32601 });
      expect(ms).toBeLessThan(QUICK_MS);
      expect(requests).toEqual([{ clientId: CLIENT, method, outcome: 'unsupported' }]);
    },
  );

  it('still answers a ping', async () => {
    const { report } = await callReport(app, 'ping_then_answer');
    expect(report.answer).toEqual({ ok: true, result: {} });
  });
});

describe('a request method the client does not know (raw server)', () => {
  let server: RawMcpServerHandle;
  let app: ClientTestApp;
  let requests: ServerRequestEvent[];

  beforeAll(async () => {
    server = await startRawMcpServer({
      onToolCall: async (call) => {
        const answer = await call.ask('x/unknown', { anything: 1 });
        return { content: [{ type: 'text', text: 'asked' }], structuredContent: { answer } };
      },
    });
    ({ app, requests } = await startApp(server.url, {
      elicitation: () => ({ action: 'cancel' }),
      sampling: () => ({ role: 'assistant', content: { type: 'text', text: '' }, model: 'm' }),
      roots: () => ({ roots: [] }),
    }));
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('answers -32601 by POST, even with every handler set', async () => {
    const { report, ms } = await callReport(app, 'asker');
    expect(report.answer).toMatchObject({
      jsonrpc: '2.0',
      id: 'srv-1',
      error: { code: -32601 },
    });
    expect(ms).toBeLessThan(QUICK_MS);
    const post = server.requests.find((r) => r.message?.id === 'srv-1');
    expect(post?.status).toBe(202);
    expect(post?.headers['mcp-session-id']).toBe('raw-session-1');
    expect(requests).toEqual([{ clientId: CLIENT, method: 'x/unknown', outcome: 'unsupported' }]);
  });
});

describe('capabilities declared in initialize (raw server)', () => {
  let server: RawMcpServerHandle | undefined;
  let app: ClientTestApp | undefined;

  afterEach(async () => {
    await app?.close();
    await server?.close();
    app = undefined;
    server = undefined;
  });

  const roots: Handlers['roots'] = () => ({ roots: [] });
  const sampling: Handlers['sampling'] = () => ({
    role: 'assistant',
    content: { type: 'text', text: '' },
    model: 'm',
  });

  it.each([
    ['no handler', undefined, []],
    ['roots only', { roots }, ['roots']],
    // 2025-11-25: a server may send sampling as a task (see client-tasks.e2e-spec.ts).
    ['sampling and roots', { sampling, roots }, ['roots', 'sampling', 'tasks']],
    ['sampling without tasks', { sampling, taskRequests: false }, ['sampling']],
  ] as const)('with %s, declares exactly those', async (_label, handlers, expected) => {
    server = await startRawMcpServer();
    ({ app } = await startApp(server.url, handlers));
    await app.client.connect(CLIENT);
    const init = server.requests.find((r) => r.message?.method === 'initialize');
    const capabilities = (init?.message?.params?.capabilities ?? {}) as Record<string, unknown>;
    expect(Object.keys(capabilities).sort()).toEqual(expected);
  });
});

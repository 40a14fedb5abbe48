// The 2026-07-28 tasks extension (io.modelcontextprotocol/tasks), client side: every modern
// request declares it; a tools/call the server answers with a task handle is followed through
// tasks/get (Mcp-Name: the task id) to the result inlined there, the task's input requests are
// answered by the handlers through tasks/update, and what ends the wait early names the task.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isMcpAbortedError,
  isMcpDeliveryUnknownError,
  isMcpProtocolError,
  type McpDeliveryUnknownError,
} from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type ModernTaskServer,
  startModernTaskServer,
} from '../support/era-server/modern-task-server.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/fault-proxy.js';

const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
const textOf = (result: { content: unknown }): string =>
  (result.content as Array<{ text: string }>)[0].text;

describe('tools/call answered with a task (2026-07-28 tasks extension)', () => {
  let server: ModernTaskServer;
  let app: ClientTestApp;
  const elicited: unknown[] = [];

  beforeAll(async () => {
    server = await startModernTaskServer();
    app = await startClientApp({
      servers: { jobs: { url: server.url } },
      handlers: {
        elicitation: (params) => {
          elicited.push(params);
          return Promise.resolve({ action: 'accept', content: { confirm: true } });
        },
      },
      dlq: false,
    });
  });
  afterEach(() => {
    server.runs.clear();
    server.requests.length = 0;
    elicited.length = 0;
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  const sent = (method: string) => server.requests.filter((r) => r.body?.method === method);

  it('declares the extension, polls tasks/get with the task id in Mcp-Name, and returns the result', async () => {
    const result = await app.client.callToolWithRetry('jobs', 'slow', { ms: 200, label: 'a' });
    expect(textOf(result)).toBe('slow a');
    expect(server.runs.get('slow')).toBe(1);
    const [call] = sent('tools/call');
    const capabilities = (call.body?.params?._meta as Record<string, Record<string, unknown>>)[
      'io.modelcontextprotocol/clientCapabilities'
    ];
    expect(capabilities.extensions).toEqual({ [TASKS_EXTENSION]: {} });
    const polls = sent('tasks/get');
    expect(polls.length).toBeGreaterThan(1);
    const taskId = polls[0].body?.params?.taskId;
    expect(typeof taskId).toBe('string');
    expect(polls.every((p) => p.headers['mcp-name'] === taskId)).toBe(true);
    expect(polls.every((p) => p.headers['mcp-method'] === 'tasks/get')).toBe(true);
    expect(server.taskStatus(taskId as string)).toBe('completed');
    expect(sent('tools/call')).toHaveLength(1);
  });

  it('runs a tool that needs a task, and a plain tool without one', async () => {
    expect(textOf(await app.client.callToolWithRetry('jobs', 'needs_task', { ms: 50 }))).toBe(
      'needed',
    );
    expect(textOf(await app.client.callToolWithRetry('jobs', 'plain', {}))).toBe('plain');
    expect(sent('tasks/get').length).toBeGreaterThan(0);
    expect(sent('tasks/get').every((p) => p.body?.params?.taskId !== undefined)).toBe(true);
  });

  it("answers a task's input request once with the handler, through tasks/update", async () => {
    const result = await app.client.callToolWithRetry('jobs', 'confirm', { ms: 100 });
    expect(textOf(result)).toBe('confirmed');
    expect(elicited).toHaveLength(1);
    expect(elicited[0]).toMatchObject({ message: 'Go ahead?' });
    const updates = sent('tasks/update');
    expect(updates).toHaveLength(1);
    expect(updates[0].body?.params?.inputResponses).toEqual({
      confirm: { action: 'accept', content: { confirm: true } },
    });
    expect(updates[0].headers['mcp-name']).toBe(updates[0].body?.params?.taskId);
    expect(server.runs.get('confirm')).toBe(1);
  });

  it('ends a failed task as McpDeliveryUnknownError naming it, its JSON-RPC error the cause', async () => {
    const error = await app.client
      .callToolWithRetry('jobs', 'missing', {})
      .catch((e: unknown) => e as McpDeliveryUnknownError);
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    const { taskId, cause } = error as McpDeliveryUnknownError;
    expect(server.taskStatus(taskId ?? '')).toBe('failed');
    expect(isMcpProtocolError(cause) && cause.code).toBe(-32602);
    expect(sent('tools/call')).toHaveLength(1);
  });

  it('names the task when the budget runs out; awaitToolTaskWithRetry then gets its result', async () => {
    const late = await app.client
      .callToolWithRetry('jobs', 'slow', { ms: 1500, label: 'late' }, { timeoutMs: 500 })
      .catch((e: unknown) => e);
    expect(isMcpDeliveryUnknownError(late)).toBe(true);
    const { taskId } = late as McpDeliveryUnknownError;
    expect(server.taskStatus(taskId ?? '')).toBe('working');
    expect(sent('tasks/cancel')).toHaveLength(0);
    const result = await app.client.awaitToolTaskWithRetry('jobs', taskId ?? '');
    expect(textOf(result)).toBe('slow late');
    expect(server.runs.get('slow')).toBe(1);
    const unknown = await app.client
      .awaitToolTaskWithRetry('jobs', 'no-such-task')
      .catch((e: unknown) => e);
    expect(isMcpProtocolError(unknown) && unknown.code).toBe(-32602);
  });

  it("cancels the task on the caller's abort, with the task id in Mcp-Name", async () => {
    const controller = new AbortController();
    const aborted = app.client
      .callToolWithRetry('jobs', 'slow', { ms: 5000 }, { signal: controller.signal })
      .catch((e: unknown) => e);
    while (sent('tasks/get').length === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    const error = await aborted;
    expect(isMcpAbortedError(error) && error.delivery).toBe('unknown');
    for (let waited = 0; sent('tasks/cancel').length === 0 && waited < 2000; waited += 10) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const [cancel] = sent('tasks/cancel');
    const taskId = cancel.body?.params?.taskId as string;
    expect(cancel.headers['mcp-name']).toBe(taskId);
    expect(server.taskStatus(taskId)).toBe('cancelled');
  });
});

describe('a task whose tasks/update fails once (2026-07-28 tasks extension)', () => {
  let server: ModernTaskServer;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  let asked = 0;

  beforeAll(async () => {
    server = await startModernTaskServer();
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({
      servers: { jobs: { url: proxy.url } },
      handlers: {
        elicitation: () => {
          asked += 1;
          return Promise.resolve({ action: 'accept', content: { confirm: true } });
        },
      },
      dlq: false,
    });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  it('sends the same answers again without asking the handler twice', async () => {
    proxy.inject({ match: { method: 'tasks/update' }, fault: faults.status(503) });
    const result = await app.client.callToolWithRetry('jobs', 'confirm', { ms: 50 });
    expect(textOf(result)).toBe('confirmed');
    expect(asked).toBe(1);
    const updates = proxy.requests.filter((r) => r.jsonRpcMethod === 'tasks/update');
    expect(updates).toHaveLength(2);
    const answers = updates.map((u) => (JSON.parse(u.body) as { params: unknown }).params);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({
      inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
    });
    expect(server.runs.get('confirm')).toBe(1);
  });
});

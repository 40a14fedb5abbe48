// The client as a task receiver (2025-11-25): an official SDK 1.x server sends elicitation and
// sampling as tasks (its experimental elicitInputStream / createMessageStream), and asks after
// them with tasks/get, tasks/result, tasks/list and tasks/cancel on any stream of the session.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ElicitResult, McpError, type Task } from '@modelcontextprotocol/sdk/types.js';
import type { FastMcpModuleOptions, ServerRequestContext, ServerRequestEvent } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type ClientTaskServer,
  startClientTaskServer,
  type TaskRunReport,
} from '../support/client-task-server.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import type { ClientAnswer } from '../support/protocol-server/tool-report.js';

type Handlers = NonNullable<FastMcpModuleOptions['handlers']>;

const CLIENT = 'tasks';
const API_KEY = 'client-tasks-api-key-0123456';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RELATED_TASK = 'io.modelcontextprotocol/related-task';
const ADA: ElicitResult = { action: 'accept', content: { name: 'Ada' } };
/** The profile form's answer with its defaults filled in (SEP-1034). */
const ADA_WITH_DEFAULTS = { name: 'Ada', age: 30, newsletter: true, color: 'blue' };
/** A valid form elicitation: only its `task` is at fault where one is. */
const FORM = {
  message: 'Who?',
  requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
};
const SAMPLED = {
  role: 'assistant' as const,
  content: { type: 'text' as const, text: 'hello from a task' },
  model: 'test-model',
};

/** Never settles until `signal` aborts, then rejects with its reason. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/** An elicitation handler standing for a person: answers after `afterMs`, throws, or waits. */
function person(answer: ElicitResult | Error | 'wait', afterMs = 0) {
  const contexts: ServerRequestContext[] = [];
  const elicitation: Handlers['elicitation'] = async (_params, context) => {
    contexts.push(context);
    if (answer === 'wait') return untilAborted(context.signal);
    await delay(afterMs);
    if (answer instanceof Error) throw answer;
    return structuredClone(answer);
  };
  return { contexts, elicitation };
}

const sampling: Handlers['sampling'] = async () => {
  await delay(200);
  return SAMPLED;
};

describe('the client as a task receiver (official SDK 1.x server)', () => {
  let server: ClientTaskServer;
  let proxy: FaultProxy;
  let app: ClientTestApp | undefined;
  let requests: ServerRequestEvent[];

  async function start(
    handlers?: Handlers,
    options: Partial<FastMcpModuleOptions> = {},
  ): Promise<ClientTestApp> {
    app = await startClientApp({
      servers: { [CLIENT]: { url: proxy.url, headers: { 'X-Api-Key': API_KEY } } },
      handlers,
      dlq: false,
      ...options,
    });
    requests = [];
    app.events.on('server.request', (event) => requests.push(event));
    return app;
  }

  /** Calls `tool` and returns its report (its structuredContent). */
  async function report<T = TaskRunReport>(tool: string, args: Record<string, unknown> = {}) {
    if (!app) throw new Error('no app');
    const result = await app.client.callTool(CLIENT, tool, args);
    return result.structuredContent as T;
  }

  /** Sends the client `method` on a tool call's stream and returns its answer as the server saw it. */
  async function ask(method: string, params?: Record<string, unknown>): Promise<ClientAnswer> {
    return (await report<{ answer: ClientAnswer }>('client_request', { method, params })).answer;
  }

  /** Makes a task (its handler runs on) and returns it; the tool call is over when it returns. */
  async function startTask(ttl?: number): Promise<Task> {
    const { answer } = await report<{ answer: ClientAnswer }>('start_elicit_task', { ttl });
    expect(answer.ok).toBe(true);
    return (answer as { result: { task: Task } }).result.task;
  }

  /** Waits until the session's GET stream is open: requests of no call arrive on it. */
  async function getStreamOpen(): Promise<void> {
    await vi.waitFor(() =>
      expect(proxy.requests.some((r) => r.httpMethod === 'GET' && r.status === 200)).toBe(true),
    );
  }

  /** The bodies of the client's answers (POSTs of JSON-RPC responses). */
  const answers = () =>
    proxy.requests
      .filter((r) => r.httpMethod === 'POST' && r.jsonRpcMethod === undefined)
      .map((r) => JSON.parse(r.body) as { result?: Record<string, unknown> });

  const count = (method: string, outcome: ServerRequestEvent['outcome']) =>
    requests.filter((e) => e.method === method && e.outcome === outcome).length;

  beforeAll(async () => {
    server = await startClientTaskServer();
    proxy = await startFaultProxy(server.url);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    proxy.clear();
    proxy.clearRequests();
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  const elicitation = person(ADA).elicitation;
  const roots: Handlers['roots'] = () => ({ roots: [] });
  const tasksOf = (requests: Record<string, unknown>) => ({ list: {}, cancel: {}, requests });

  it.each([
    [
      'elicitation and sampling',
      { elicitation, sampling },
      tasksOf({ elicitation: { create: {} }, sampling: { createMessage: {} } }),
    ],
    ['elicitation only', { elicitation, roots }, tasksOf({ elicitation: { create: {} } })],
    ['sampling only', { sampling }, tasksOf({ sampling: { createMessage: {} } })],
    ['roots only', { roots }, undefined],
    ['taskRequests: false', { elicitation, sampling, taskRequests: false }, undefined],
    ['no handler', undefined, undefined],
  ] as const)(
    'with %s, declares tasks in initialize as the server sees them',
    async (_label, handlers, tasks) => {
      await start(handlers);
      const { capabilities } = await report<{ capabilities: Record<string, unknown> }>(
        'capabilities',
      );
      expect(capabilities.tasks).toEqual(tasks);
    },
  );

  it('declares no tasks in a 2025-06-18 session, a revision without them', async () => {
    await start(
      { elicitation, sampling },
      {
        servers: { [CLIENT]: { url: proxy.url, protocolVersion: '2025-06-18' } },
      },
    );
    const { capabilities } = await report<{ capabilities: Record<string, unknown> }>(
      'capabilities',
    );
    expect(capabilities.elicitation).toBeDefined();
    expect(capabilities.tasks).toBeUndefined();
  });

  it("gives a tool that elicits as a task the person's answer, given after a delay", async () => {
    const { contexts, elicitation } = person(ADA, 300);
    await start({ elicitation });
    const run = await report('elicit_as_task', { ttl: 30_000 });
    expect(run.asTask).toBe(true);
    expect(run.created).toMatchObject({
      taskId: expect.stringMatching(UUID) as string,
      status: 'working',
      ttl: 30_000,
      pollInterval: 500,
    });
    expect(run.statuses[0]).toBe('working');
    expect(run.statuses.at(-1)).toBe('completed');
    const taskId = run.created?.taskId;
    expect(run.answer).toEqual({
      ok: true,
      result: {
        action: 'accept',
        content: ADA_WITH_DEFAULTS,
        _meta: { [RELATED_TASK]: { taskId } },
      },
    });
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({ clientId: CLIENT, taskId });
    // The task's signal, not the call's: the call is over, the task is not (until its ttl).
    expect(contexts[0]?.signal.aborted).toBe(false);
    // Answered at once with the task, then its result with the related-task _meta.
    const bodies = answers();
    expect(bodies[0]?.result?.task).toEqual(run.created);
    expect(bodies.at(-1)?.result).toEqual({
      action: 'accept',
      content: ADA_WITH_DEFAULTS,
      _meta: { [RELATED_TASK]: { taskId } },
    });
    expect(count('elicitation/create', 'handled')).toBe(1);
    expect(count('tasks/get', 'handled')).toBe(run.statuses.length);
    expect(count('tasks/result', 'handled')).toBe(1);
  });

  it("gives a tool that samples as a task the model's answer", async () => {
    await start({ sampling });
    const run = await report('sample_as_task');
    expect(run.asTask).toBe(true);
    expect(run.created?.ttl).toBe(60_000);
    expect(run.statuses.at(-1)).toBe('completed');
    expect(run.answer).toEqual({
      ok: true,
      result: { ...SAMPLED, _meta: { [RELATED_TASK]: { taskId: run.created?.taskId } } },
    });
    expect(count('sampling/createMessage', 'handled')).toBe(1);
  });

  it("fails the task when the handler throws; tasks/result gives the server the handler's error, scrubbed", async () => {
    const refused = person(new McpError(-1, `User rejected; key ${API_KEY}`), 50);
    await start({ elicitation: refused.elicitation });
    const run = await report('elicit_as_task');
    expect(run.statuses.at(-1)).toBe('failed');
    expect(run.answer).toMatchObject({ ok: false });
    expect(run.taskResult).toMatchObject({ ok: false, code: -1 });
    const said = (run.taskResult as { message: string }).message;
    expect(said).toContain('User rejected; key');
    expect(said).toContain('[REDACTED]');
    expect(JSON.stringify(proxy.requests.map((r) => r.body))).not.toContain(API_KEY);
    expect(count('elicitation/create', 'failed')).toBe(1);
  });

  it('fails the task with -32603 and words of its own when the handler throws any other error', async () => {
    await start({ elicitation: person(new Error(`db password ${API_KEY}`)).elicitation });
    const run = await report('elicit_as_task');
    expect(run.statuses.at(-1)).toBe('failed');
    expect(run.taskResult).toEqual({
      ok: false,
      code: -32603,
      message: 'MCP error -32603: The client could not answer elicitation/create',
    });
    expect(JSON.stringify(proxy.requests.map((r) => r.body))).not.toContain(API_KEY);
  });

  it('keeps a task past the stream that carried it, and answers after it on any stream', async () => {
    const { contexts, elicitation } = person('wait');
    await start({ elicitation });
    const task = await startTask(20_000);
    expect(task).toMatchObject({ status: 'working', ttl: 20_000 });
    // Its tool call is over: the handler still runs, with the task's signal.
    await delay(100);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]?.signal.aborted).toBe(false);
    // On another call's stream...
    expect(await ask('tasks/get', { taskId: task.taskId })).toMatchObject({
      ok: true,
      result: { taskId: task.taskId, status: 'working' },
    });
    // ...and on the session's GET stream.
    await getStreamOpen();
    const sdk = server.latest().server.experimental.tasks;
    expect((await sdk.listTasks()).tasks.map((t) => t.taskId)).toEqual([task.taskId]);
    expect(await sdk.getTask(task.taskId)).toMatchObject({ status: 'working' });
    const cancelled = await sdk.cancelTask(task.taskId);
    expect(cancelled).toMatchObject({ taskId: task.taskId, status: 'cancelled' });
    expect(contexts[0]?.signal.aborted).toBe(true);
    // A finished task cannot be cancelled; its result is the cancellation.
    expect(await ask('tasks/cancel', { taskId: task.taskId })).toMatchObject({
      ok: false,
      code: -32602,
    });
    const result = await ask('tasks/result', { taskId: task.taskId });
    expect(result).toMatchObject({ ok: false, code: -32603 });
    expect((result as { message: string }).message).toContain('The task was cancelled');
    expect(count('tasks/cancel', 'handled')).toBe(1);
    expect(count('tasks/cancel', 'failed')).toBe(1);
  });

  it('lists tasks a page at a time, and bounds the ttl a server asks for', async () => {
    await start({ elicitation: person('wait').elicitation });
    const made = [await startTask(10), await startTask(1e9), await startTask()];
    expect(made.map((task) => task.ttl)).toEqual([1000, 600_000, 60_000]);
    for (let i = 0; i < 9; i += 1) made.push(await startTask());
    await getStreamOpen();
    const sdk = server.latest().server.experimental.tasks;
    const first = await sdk.listTasks();
    expect(first.tasks).toHaveLength(10);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await sdk.listTasks(first.nextCursor);
    expect(second.nextCursor).toBeUndefined();
    const listed = [...first.tasks, ...second.tasks].map((task) => task.taskId);
    expect(listed).toEqual(made.map((task) => task.taskId));
  });

  it.each([
    ['a task id that is a number', 'tasks/get', { taskId: 5 }],
    ['a task id of 1,000 characters', 'tasks/result', { taskId: 'x'.repeat(1000) }],
    ['an unknown task id', 'tasks/cancel', { taskId: '786512e2-9e0d-44bd-8f29-789f320fe840' }],
    ['no task id', 'tasks/get', {}],
    ['a cursor it never gave', 'tasks/list', { cursor: 'page-2' }],
    ['a negative ttl', 'elicitation/create', { ...FORM, task: { ttl: -1 } }],
    ['a task that is a string', 'elicitation/create', { ...FORM, task: 'soon' }],
  ])('answers %s with -32602, and goes on', async (_label, method, params) => {
    const { contexts, elicitation } = person(ADA);
    await start({ elicitation });
    expect(await ask(method, params)).toMatchObject({ ok: false, code: -32602 });
    expect(contexts).toHaveLength(0);
    expect(await ask('tasks/list')).toEqual({ ok: true, result: { tasks: [] } });
  });

  it("aborts a running task's handler when the session ends", async () => {
    const { contexts, elicitation } = person('wait');
    const client = (await start({ elicitation })).client;
    await startTask();
    await delay(50);
    expect(contexts[0]?.signal.aborted).toBe(false);
    await client.disconnect(CLIENT);
    expect(contexts[0]?.signal.aborted).toBe(true);
    expect(contexts[0]?.signal.reason).toEqual(new Error('the session ended'));
  });

  it("does not time the call out while the task's person answers, the call's stream silent", async () => {
    // The server polls on the GET stream: nothing comes on the call's stream for 3 s, twice the
    // attempt's 1.5 s timeout. The time is the person's, as for a plain request.
    const { contexts, elicitation } = person(ADA, 3000);
    await start({ elicitation }, { retry: { requestTimeoutMs: 1500 } });
    await app?.client.connect(CLIENT);
    await getStreamOpen();
    const run = await report('elicit_task_quietly');
    expect(contexts).toHaveLength(1);
    expect(run.statuses.at(-1)).toBe('completed');
    expect(run.answer).toEqual({
      ok: true,
      result: {
        action: 'accept',
        content: ADA_WITH_DEFAULTS,
        _meta: { [RELATED_TASK]: { taskId: run.created?.taskId } },
      },
    });
    expect(proxy.requests.filter((r) => r.jsonRpcMethod === 'tools/call')).toHaveLength(1);
  });

  it('waits on a url elicitation accepted as a task for its completion, as on a plain one', async () => {
    const accepted = person({ action: 'accept' });
    await start({ elicitation: accepted.elicitation, elicitationModes: ['form', 'url'] });
    const completions: unknown[] = [];
    app?.events.on('server.elicitation_complete', (event) => completions.push(event));
    const link = { mode: 'url', message: 'Sign in', url: 'https://auth.example.com/go' };
    const created = await ask('elicitation/create', {
      ...link,
      elicitationId: 'sign-in-1',
      task: { ttl: 20_000 },
    });
    expect(created.ok).toBe(true);
    const { taskId } = (created as { result: { task: Task } }).result.task;
    const result = await ask('tasks/result', { taskId });
    expect(result).toMatchObject({ ok: true, result: { action: 'accept' } });
    await getStreamOpen();
    const complete = (elicitationId: string) =>
      server.latest().server.notification({
        method: 'notifications/elicitation/complete',
        params: { elicitationId },
      });
    await complete('never-asked');
    await complete('sign-in-1');
    await vi.waitFor(() =>
      expect(completions).toEqual([{ clientId: CLIENT, elicitationId: 'sign-in-1' }]),
    );
  });

  it('answers a request sent as a task as a plain one with taskRequests: false', async () => {
    await start({ elicitation: person(ADA).elicitation, taskRequests: false });
    const run = await report('elicit_as_task');
    expect(run.asTask).toBe(false);
    expect(run.answer).toMatchObject({ ok: true, result: { action: 'accept' } });
    // A server that sends one as a task all the same gets the plain answer (the spec's rule).
    const plain = await ask('elicitation/create', { ...FORM, task: { ttl: 5000 } });
    expect(plain).toEqual({ ok: true, result: ADA });
    expect(await ask('tasks/get', { taskId: 'x' })).toMatchObject({ ok: false, code: -32601 });
  });
});

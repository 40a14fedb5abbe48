import {
  type ElicitResult,
  type JSONRPCMessage,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ServerRequestEvent } from '../events/fastmcp-events.interface.js';
import type {
  McpClientHandlers,
  ServerRequestContext,
} from '../options/client-handlers.interface.js';
import { resolveOptions } from '../options/resolve-options.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { ClientTaskStore, MAX_TASKS_PER_SESSION } from './client-task-store.js';
import { type ExchangeContext, ServerMessageDispatcher } from './server-message.dispatcher.js';

const API_KEY = 'configured-api-key-0123456';
const FORM = {
  mode: 'form',
  message: 'Who are you?',
  requestedSchema: {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer', default: 30 } },
    required: ['name'],
  },
};
const settled = () => new Promise((resolve) => setImmediate(resolve));

type Answer = {
  id: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
};

/** An elicitation handler that waits for `answer(...)`, keeping each call's context. */
function personAtTheKeyboard() {
  const calls: Array<{
    context: ServerRequestContext;
    answer: (result: ElicitResult | Error) => void;
  }> = [];
  const elicitation = (_params: unknown, context: ServerRequestContext): Promise<ElicitResult> =>
    new Promise((resolve, reject) => {
      calls.push({
        context,
        answer: (result) => (result instanceof Error ? reject(result) : resolve(result)),
      });
    });
  return { calls, elicitation };
}

/** A dispatcher with `handlers`, a session's task store, and a stream whose answers are kept. */
function session(handlers: McpClientHandlers, withTasks = true) {
  const events = new FastMcpEvents();
  const raised: ServerRequestEvent[] = [];
  events.on('server.request', (event) => raised.push(event));
  const dispatcher = new ServerMessageDispatcher(resolveOptions({ handlers }), events);
  const store = withTasks ? new ClientTaskStore(new FakeClock(undefined, false)) : undefined;
  const stream = (replyFails = false) => {
    const ended = new AbortController();
    const answers: Answer[] = [];
    let waiting = 0;
    const context: ExchangeContext = {
      clientId: 'github',
      signal: ended.signal,
      handling: new Map(),
      upstream: new UpstreamText({
        url: 'http://127.0.0.1:1/mcp',
        headers: { 'X-Api-Key': API_KEY },
      }),
      reply: (message: JSONRPCMessage) => {
        answers.push(message as Answer);
        return replyFails ? Promise.reject(new Error('socket hang up')) : Promise.resolve();
      },
      waitOnClient: () => {
        waiting += 1;
        return () => void (waiting -= 1);
      },
      tasks: store,
    };
    let id = 0;
    const send = async (method: string, params?: unknown): Promise<Answer | undefined> => {
      id += 1;
      dispatcher.dispatch({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage, context);
      await settled();
      return answers.find((answer) => answer.id === id);
    };
    return { send, end: () => ended.abort(), answers, waiting: () => waiting };
  };
  return { stream, raised, store };
}

describe('ServerMessageDispatcher, elicitation and sampling sent as tasks', () => {
  it('answers at once with the task, runs the handler in the background, and gives its result', async () => {
    const person = personAtTheKeyboard();
    const { stream, raised } = session({ elicitation: person.elicitation });
    const call = stream();
    const created = await call.send('elicitation/create', { ...FORM, task: { ttl: 30_000 } });
    const task = created?.result?.task as { taskId: string; status: string; ttl: number };
    expect(task).toMatchObject({ status: 'working', ttl: 30_000, pollInterval: 500 });
    expect(person.calls).toHaveLength(1);
    expect(person.calls[0]?.context).toMatchObject({ clientId: 'github', taskId: task.taskId });
    // Raised once the handler is done, not when the task is made.
    expect(raised).toEqual([]);

    // The stream that carried the request ends (its tool call answered): the task goes on.
    call.end();
    expect(person.calls[0]?.context.signal.aborted).toBe(false);
    const poll = stream();
    expect((await poll.send('tasks/get', { taskId: task.taskId }))?.result).toMatchObject({
      status: 'working',
    });
    const waiting = poll.send('tasks/result', { taskId: task.taskId });
    person.calls[0]?.answer({ action: 'accept', content: { name: 'Ada' } });
    await settled();
    expect((await waiting)?.result).toEqual({
      action: 'accept',
      content: { name: 'Ada', age: 30 },
      _meta: { 'io.modelcontextprotocol/related-task': { taskId: task.taskId } },
    });
    expect((await poll.send('tasks/get', { taskId: task.taskId }))?.result).toMatchObject({
      status: 'completed',
    });
    expect(raised).toEqual([
      { clientId: 'github', method: 'tasks/get', outcome: 'handled' },
      { clientId: 'github', method: 'elicitation/create', outcome: 'handled' },
      { clientId: 'github', method: 'tasks/result', outcome: 'handled' },
      { clientId: 'github', method: 'tasks/get', outcome: 'handled' },
    ]);
  });

  it('keeps the carrying attempt waiting on the client while the handler runs, until it is done', async () => {
    const person = personAtTheKeyboard();
    const { stream } = session({ elicitation: person.elicitation });
    const call = stream();
    await call.send('elicitation/create', { ...FORM, task: {} });
    await call.send('elicitation/create', { ...FORM, task: {} });
    expect(call.waiting()).toBe(2);
    person.calls[0]?.answer({ action: 'decline' });
    await settled();
    expect(call.waiting()).toBe(1);
    // A cancelled task ends the wait at once, whatever its handler does.
    const taskId = (call.answers[1]?.result?.task as { taskId: string }).taskId;
    await call.send('tasks/cancel', { taskId });
    expect(call.waiting()).toBe(0);
    expect(person.calls[1]?.context.signal.aborted).toBe(true);
  });

  it('fails the task when the handler throws; tasks/result gives the error, scrubbed', async () => {
    const person = personAtTheKeyboard();
    const { stream, raised } = session({ elicitation: person.elicitation });
    const call = stream();
    const created = await call.send('elicitation/create', { ...FORM, task: {} });
    const second = await call.send('elicitation/create', { ...FORM, task: {} });
    const [one, two] = [created, second].map(
      (answer) => (answer?.result?.task as { taskId: string }).taskId,
    );
    person.calls[0]?.answer(new McpError(-1, `User rejected it; key ${API_KEY}`));
    person.calls[1]?.answer(new Error(`database password ${API_KEY}`));
    await settled();
    const failed = await call.send('tasks/get', { taskId: one });
    expect(failed?.result).toMatchObject({ status: 'failed' });
    expect(failed?.result?.statusMessage).toContain('User rejected it; key');
    const first = await call.send('tasks/result', { taskId: one });
    expect(first?.error?.code).toBe(-1);
    const other = await call.send('tasks/result', { taskId: two });
    expect(other?.error).toEqual({
      code: -32603,
      message: 'The client could not answer elicitation/create',
    });
    expect(JSON.stringify(call.answers)).not.toContain(API_KEY);
    expect(raised.filter((event) => event.method === 'elicitation/create')).toEqual([
      { clientId: 'github', method: 'elicitation/create', outcome: 'failed' },
      { clientId: 'github', method: 'elicitation/create', outcome: 'failed' },
    ]);
  });

  it('checks the request before making a task: no handler, bad params, a bad task', async () => {
    const person = personAtTheKeyboard();
    const { stream, raised, store } = session({ elicitation: person.elicitation });
    const call = stream();
    const noHandler = await call.send('sampling/createMessage', {
      messages: [],
      maxTokens: 5,
      task: {},
    });
    expect(noHandler?.error?.code).toBe(-32601);
    const badParams = await call.send('elicitation/create', { message: 7, task: {} });
    expect(badParams?.error?.code).toBe(-32602);
    const badTtl = await call.send('elicitation/create', { ...FORM, task: { ttl: -5 } });
    expect(badTtl?.error).toEqual({
      code: -32602,
      message: 'Invalid task ttl: expected a number of milliseconds',
    });
    const url = await call.send('elicitation/create', {
      mode: 'url',
      message: 'Sign in',
      url: 'https://example.com',
      elicitationId: 'e1',
      task: {},
    });
    expect(url?.error?.code).toBe(-32602);
    expect(person.calls).toHaveLength(0);
    expect(store?.list()).toEqual({ tasks: [] });
    expect(raised.map((event) => event.outcome)).toEqual([
      'unsupported',
      'failed',
      'failed',
      'failed',
    ]);
  });

  it(`refuses a task past ${MAX_TASKS_PER_SESSION} working ones with -32603, queueing nothing`, async () => {
    const person = personAtTheKeyboard();
    const { stream } = session({ elicitation: person.elicitation });
    // Streams of their own: one stream answers at most 16 requests at once.
    for (let i = 0; i < MAX_TASKS_PER_SESSION; i += 1) {
      const created = await stream().send('elicitation/create', { ...FORM, task: {} });
      expect(created?.result?.task).toBeDefined();
    }
    const refused = await stream().send('elicitation/create', { ...FORM, task: {} });
    expect(refused?.error).toEqual({
      code: -32603,
      message: `Too many tasks: ${MAX_TASKS_PER_SESSION} are already working on this session`,
    });
    expect(person.calls).toHaveLength(MAX_TASKS_PER_SESSION);
  });

  it('cancels the task when the answer that made it could not be sent', async () => {
    const person = personAtTheKeyboard();
    const { stream, store } = session({ elicitation: person.elicitation });
    await stream(true).send('elicitation/create', { ...FORM, task: {} });
    await settled();
    expect(person.calls[0]?.context.signal.aborted).toBe(true);
    expect(store?.list()?.tasks.map((task) => task.status)).toEqual(['cancelled']);
  });

  it('answers as a plain request, and tasks/* with -32601, on a session that takes no tasks', async () => {
    const { stream, raised } = session(
      { elicitation: () => ({ action: 'accept', content: { name: 'Ada' } }) },
      false,
    );
    const call = stream();
    const answered = await call.send('elicitation/create', { ...FORM, task: { ttl: 1000 } });
    expect(answered?.result).toEqual({ action: 'accept', content: { name: 'Ada', age: 30 } });
    const get = await call.send('tasks/get', { taskId: 'x' });
    expect(get?.error?.code).toBe(-32601);
    expect(raised.map((event) => `${event.outcome} ${event.method}`)).toEqual([
      'handled elicitation/create',
      'unsupported tasks/get',
    ]);
  });
});

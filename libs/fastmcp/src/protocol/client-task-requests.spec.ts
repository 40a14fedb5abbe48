import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { answerTaskRequest, requestedTask } from './client-task-requests.js';
import { ClientTaskStore, type TaskOutcome } from './client-task-store.js';
import { errorFor, ErrorAnswer, InvalidParams } from './server-request-errors.js';
import { UpstreamText } from '../transport/upstream-text.js';

const request = (method: string, params?: unknown): JSONRPCRequest =>
  ({ jsonrpc: '2.0', id: 1, method, params }) as JSONRPCRequest;
const open = () => new AbortController().signal;
const upstream = new UpstreamText({ url: 'http://127.0.0.1:1/mcp', headers: {} });

/** What the server is answered when answering `method` with `params` throws. */
async function refusal(store: ClientTaskStore, method: string, params?: unknown) {
  const error = await answerTaskRequest(request(method, params), store, open()).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return errorFor(error, method, upstream);
}

describe('requestedTask', () => {
  it('reads the task a request asks for, and its ttl', () => {
    expect(requestedTask(request('elicitation/create', { message: 'm' }))).toBeUndefined();
    expect(requestedTask(request('elicitation/create'))).toBeUndefined();
    expect(requestedTask(request('elicitation/create', { task: {} }))).toEqual({});
    expect(requestedTask(request('elicitation/create', { task: { ttl: 0 } }))).toEqual({ ttl: 0 });
    expect(requestedTask(request('elicitation/create', { task: { ttl: 5e9 } }))).toEqual({
      ttl: 5e9,
    });
  });

  it.each([
    ['a number', 5],
    ['null', null],
    ['a string', 'soon'],
    ['an array', [{ ttl: 1 }]],
    ['a negative ttl', { ttl: -1 }],
    ['a ttl as text', { ttl: '60000' }],
    ['a null ttl', { ttl: null }],
  ])('refuses a task that is %s with -32602', (_label, task) => {
    const read = () => requestedTask(request('sampling/createMessage', { task }));
    expect(read).toThrow(InvalidParams);
    let thrown: unknown;
    try {
      read();
    } catch (error) {
      thrown = error;
    }
    expect(errorFor(thrown, 'sampling/createMessage', upstream).code).toBe(-32602);
  });
});

describe('answerTaskRequest', () => {
  const finished = (store: ClientTaskStore, outcome: TaskOutcome) =>
    store.create(undefined, () => Promise.resolve(outcome))?.taskId ?? '';
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  it('answers tasks/get and tasks/list with the task, never with related-task _meta', async () => {
    const store = new ClientTaskStore(new FakeClock(undefined, false));
    const taskId = finished(store, { result: { action: 'decline' } });
    await settled();
    const got = await answerTaskRequest(request('tasks/get', { taskId }), store, open());
    expect(got).toMatchObject({ taskId, status: 'completed' });
    expect(got).not.toHaveProperty('_meta');
    // What an SDK 1.x server adds to its polls (the task it asked for) is ignored.
    const polled = await answerTaskRequest(
      request('tasks/get', { taskId, task: { ttl: 1 } }),
      store,
      open(),
    );
    expect(polled).toEqual(got);
    const listed = await answerTaskRequest(request('tasks/list', {}), store, open());
    expect(listed).toEqual({ tasks: [got] });
    expect(await answerTaskRequest(request('tasks/list'), store, open())).toEqual(listed);
  });

  it("returns a completed task's result with the related-task _meta, its own _meta kept", async () => {
    const store = new ClientTaskStore(new FakeClock(undefined, false));
    const taskId = finished(store, {
      result: { action: 'decline', _meta: { 'example.com/trace': 't1' } },
    });
    const result = await answerTaskRequest(request('tasks/result', { taskId }), store, open());
    expect(result).toEqual({
      action: 'decline',
      _meta: {
        'example.com/trace': 't1',
        'io.modelcontextprotocol/related-task': { taskId },
      },
    });
  });

  it("answers a failed task's tasks/result with its request's JSON-RPC error", async () => {
    const store = new ClientTaskStore(new FakeClock(undefined, false));
    const taskId = finished(store, { error: { code: -1, message: 'User rejected' } });
    const error = await answerTaskRequest(request('tasks/result', { taskId }), store, open()).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ErrorAnswer);
    expect(errorFor(error, 'tasks/result', upstream)).toEqual({
      code: -1,
      message: 'User rejected',
    });
  });

  it('cancels a working task, and refuses to cancel a finished one with -32602', async () => {
    const store = new ClientTaskStore(new FakeClock(undefined, false));
    const working = store.create(undefined, () => new Promise<never>(() => undefined))?.taskId;
    const cancelled = await answerTaskRequest(
      request('tasks/cancel', { taskId: working }),
      store,
      open(),
    );
    expect(cancelled).toMatchObject({ taskId: working, status: 'cancelled' });
    expect(await refusal(store, 'tasks/cancel', { taskId: working })).toEqual({
      code: -32602,
      message: "Cannot cancel task: already in terminal status 'cancelled'",
    });
    const done = finished(store, { result: { action: 'cancel' } });
    await settled();
    expect((await refusal(store, 'tasks/cancel', { taskId: done })).code).toBe(-32602);
    expect(await refusal(store, 'tasks/result', { taskId: working })).toEqual({
      code: -32603,
      message: 'The task was cancelled',
    });
  });

  const INVALID = 'Invalid taskId: expected a string of 1 to 256 characters';
  const NOT_FOUND = 'Failed to retrieve task: Task not found';
  it.each([
    ['no params', undefined, INVALID],
    ['params that are not an object', 'abc', INVALID],
    ['no taskId', {}, INVALID],
    ['a number', { taskId: 5 }, INVALID],
    ['an object', { taskId: { id: 'x' } }, INVALID],
    ['an empty string', { taskId: '' }, INVALID],
    ['a string of 257 characters', { taskId: 'x'.repeat(257) }, INVALID],
    ['an unknown id', { taskId: '786512e2-9e0d-44bd-8f29-789f320fe840' }, NOT_FOUND],
  ])('answers a task id that is %s with -32602, for every method', async (_l, params, message) => {
    const store = new ClientTaskStore(new FakeClock(undefined, false));
    for (const method of ['tasks/get', 'tasks/result', 'tasks/cancel']) {
      expect(await refusal(store, method, params)).toEqual({ code: -32602, message });
    }
  });

  it('does not quote the id a server sent in its refusal', async () => {
    const store = new ClientTaskStore(new FakeClock(undefined, false));
    const taskId = 'sk-live-0123456789abcdef';
    const answer = await refusal(store, 'tasks/get', { taskId });
    expect(answer).toEqual({ code: -32602, message: 'Failed to retrieve task: Task not found' });
  });

  it.each([
    ['a number', 3],
    ['a cursor it never gave', 'abc'],
    ['a cursor past its tasks', '99'],
    ['a long string', '1'.repeat(300)],
  ])('answers tasks/list with %s as cursor with -32602', async (_label, cursor) => {
    const store = new ClientTaskStore(new FakeClock(undefined, false));
    expect(await refusal(store, 'tasks/list', { cursor })).toEqual({
      code: -32602,
      message: 'Invalid cursor',
    });
  });
});

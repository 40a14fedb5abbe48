import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import {
  ClientTaskStore,
  DEFAULT_TASK_TTL_MS,
  MAX_TASK_TTL_MS,
  MAX_TASKS_PER_SESSION,
  MIN_TASK_TTL_MS,
  TASK_POLL_INTERVAL_MS,
  TASKS_PER_PAGE,
  type TaskOutcome,
} from './client-task-store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DONE: TaskOutcome = { result: { action: 'decline' } };

/** Work that runs until `finish` is called with its outcome; `signal` is the one it was given. */
function pendingWork() {
  let finish!: (outcome: TaskOutcome) => void;
  let signal: AbortSignal | undefined;
  const work = (given: AbortSignal): Promise<TaskOutcome> => {
    signal = given;
    return new Promise((resolve) => (finish = resolve));
  };
  return { work, finish: (outcome: TaskOutcome) => finish(outcome), signal: () => signal };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('ClientTaskStore', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');

  it('creates a working task with a random id, the timestamps, the ttl and the poll interval', () => {
    const store = new ClientTaskStore(new FakeClock(start, false));
    const task = store.create(30_000, pendingWork().work);
    expect(task).toEqual({
      taskId: expect.stringMatching(UUID) as string,
      status: 'working',
      ttl: 30_000,
      createdAt: '2026-01-01T00:00:00.000Z',
      lastUpdatedAt: '2026-01-01T00:00:00.000Z',
      pollInterval: TASK_POLL_INTERVAL_MS,
    });
    const other = store.create(30_000, pendingWork().work);
    expect(other?.taskId).not.toBe(task?.taskId);
  });

  it("keeps the server's ttl between 1 s and 10 min, 60 s when it names none", () => {
    const store = new ClientTaskStore(new FakeClock(start, false));
    const ttl = (requested: number | undefined) => store.create(requested, pendingWork().work)?.ttl;
    expect(ttl(undefined)).toBe(DEFAULT_TASK_TTL_MS);
    expect(ttl(0)).toBe(MIN_TASK_TTL_MS);
    expect(ttl(10)).toBe(MIN_TASK_TTL_MS);
    expect(ttl(1e300)).toBe(MAX_TASK_TTL_MS);
    expect(ttl(2500.6)).toBe(2501);
  });

  it('completes with the result, or fails with the error and its message as statusMessage', async () => {
    const clock = new FakeClock(start, false);
    const store = new ClientTaskStore(clock);
    const ok = pendingWork();
    const bad = pendingWork();
    const okTask = store.create(undefined, ok.work);
    const badTask = store.create(undefined, bad.work);
    const waiting = store.outcome(okTask?.taskId ?? '', new AbortController().signal);
    await settled();
    clock.advance(1500);
    ok.finish(DONE);
    bad.finish({ error: { code: -1, message: 'User rejected' } });
    await expect(waiting).resolves.toEqual(DONE);
    expect(store.get(okTask?.taskId ?? '')).toMatchObject({
      status: 'completed',
      lastUpdatedAt: '2026-01-01T00:00:01.500Z',
    });
    await settled();
    expect(store.get(badTask?.taskId ?? '')).toMatchObject({
      status: 'failed',
      statusMessage: 'User rejected',
    });
    await expect(
      store.outcome(badTask?.taskId ?? '', new AbortController().signal),
    ).resolves.toEqual({ error: { code: -1, message: 'User rejected' } });
  });

  it('fails a task whose work rejects, without its words', async () => {
    const store = new ClientTaskStore(new FakeClock(start, false));
    const task = store.create(undefined, () => Promise.reject(new Error('sk-secret-token')));
    const outcome = await store.outcome(task?.taskId ?? '', new AbortController().signal);
    expect(outcome).toEqual({ error: { code: -32603, message: 'The task failed' } });
    expect(JSON.stringify(store.get(task?.taskId ?? ''))).not.toContain('sk-secret');
  });

  it("cancels a working task: cancelled at once, its work's signal aborted, its later result ignored", async () => {
    const store = new ClientTaskStore(new FakeClock(start, false));
    const work = pendingWork();
    const task = store.create(undefined, work.work);
    const id = task?.taskId ?? '';
    const waiting = store.outcome(id, new AbortController().signal);
    await settled();
    expect(store.cancel(id)).toMatchObject({
      status: 'cancelled',
      statusMessage: 'The task was cancelled by request.',
    });
    expect(work.signal()?.aborted).toBe(true);
    await expect(waiting).resolves.toEqual({
      error: { code: -32603, message: 'The task was cancelled' },
    });
    work.finish(DONE);
    await settled();
    expect(store.get(id)?.status).toBe('cancelled');
    expect(store.cancel(id)).toBeUndefined();
    expect(store.cancel('no-such-task')).toBeUndefined();
  });

  it('forgets a task when its ttl from creation runs out, aborting work that still runs', async () => {
    const clock = new FakeClock(start, false);
    const store = new ClientTaskStore(clock);
    const running = pendingWork();
    const done = pendingWork();
    const runningTask = store.create(5000, running.work);
    const doneTask = store.create(2000, done.work);
    const waiting = store.outcome(runningTask?.taskId ?? '', new AbortController().signal);
    await settled();
    done.finish(DONE);
    await settled();
    clock.advance(1999);
    expect(store.get(doneTask?.taskId ?? '')?.status).toBe('completed');
    clock.advance(1);
    await settled();
    expect(store.get(doneTask?.taskId ?? '')).toBeUndefined();
    expect(running.signal()?.aborted).toBe(false);
    clock.advance(3000);
    await settled();
    expect(store.get(runningTask?.taskId ?? '')).toBeUndefined();
    expect(running.signal()?.aborted).toBe(true);
    expect(running.signal()?.reason).toEqual(new Error("the task's ttl ran out"));
    // A tasks/result still waiting learns the task is gone.
    await expect(waiting).resolves.toBeUndefined();
    expect(clock.pendingSleeps).toBe(0);
  });

  it(`holds at most ${MAX_TASKS_PER_SESSION} tasks: a finished one makes room, working ones never`, async () => {
    const store = new ClientTaskStore(new FakeClock(start, false));
    const works = Array.from({ length: MAX_TASKS_PER_SESSION }, () => pendingWork());
    const tasks = works.map((work) => store.create(undefined, work.work));
    expect(tasks.every((task) => task !== undefined)).toBe(true);
    expect(store.create(undefined, pendingWork().work)).toBeUndefined();
    await settled();
    works[3]?.finish(DONE);
    await settled();
    const next = store.create(undefined, pendingWork().work);
    expect(next?.status).toBe('working');
    // The finished task gave its place; the working ones are all still there.
    expect(store.get(tasks[3]?.taskId ?? '')).toBeUndefined();
    expect(store.get(tasks[4]?.taskId ?? '')?.status).toBe('working');
    expect(store.create(undefined, pendingWork().work)).toBeUndefined();
  });

  it('lists the tasks oldest first, a page at a time, and refuses a cursor it never gave', () => {
    const store = new ClientTaskStore(new FakeClock(start, false));
    const ids = Array.from(
      { length: TASKS_PER_PAGE + 3 },
      () => store.create(undefined, pendingWork().work)?.taskId,
    );
    const first = store.list();
    expect(first?.tasks.map((task) => task.taskId)).toEqual(ids.slice(0, TASKS_PER_PAGE));
    expect(first?.nextCursor).toEqual(expect.any(String));
    const second = store.list(first?.nextCursor);
    expect(second?.tasks.map((task) => task.taskId)).toEqual(ids.slice(TASKS_PER_PAGE));
    expect(second?.nextCursor).toBeUndefined();
    for (const cursor of ['', 'x', '0', '-1', '99', '1e3', '01', '9'.repeat(20)]) {
      expect(store.list(cursor)).toBeUndefined();
    }
  });

  it('keeps a cursor valid after the task it names is forgotten', async () => {
    const store = new ClientTaskStore(new FakeClock(start, false));
    const works = Array.from({ length: TASKS_PER_PAGE + 1 }, () => pendingWork());
    const ids = works.map((work) => store.create(undefined, work.work)?.taskId);
    const first = store.list();
    store.cancel(ids[TASKS_PER_PAGE - 1] ?? '');
    await settled();
    expect(store.list(first?.nextCursor)?.tasks.map((task) => task.taskId)).toEqual([
      ids[TASKS_PER_PAGE],
    ]);
  });

  it('lets go of a tasks/result that gives up: nothing stays on its signal', async () => {
    const store = new ClientTaskStore(new FakeClock(start, false));
    const task = store.create(undefined, pendingWork().work);
    for (let i = 0; i < 50; i += 1) {
      const request = new AbortController();
      const waiting = store.outcome(task?.taskId ?? '', request.signal);
      request.abort(new Error('cancelled by the server'));
      await expect(waiting).rejects.toThrow('cancelled by the server');
      expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
    }
    const aborted = AbortSignal.abort(new Error('gone'));
    await expect(store.outcome(task?.taskId ?? '', aborted)).rejects.toThrow('gone');
  });

  it('forgets everything on close, aborting running work, and takes no task after', async () => {
    const clock = new FakeClock(start, false);
    const store = new ClientTaskStore(clock);
    const work = pendingWork();
    const task = store.create(undefined, work.work);
    const waiting = store.outcome(task?.taskId ?? '', new AbortController().signal);
    await settled();
    store.close();
    expect(work.signal()?.aborted).toBe(true);
    expect(work.signal()?.reason).toEqual(new Error('the session ended'));
    expect(store.get(task?.taskId ?? '')).toBeUndefined();
    expect(store.list()).toEqual({ tasks: [] });
    await expect(waiting).resolves.toBeUndefined();
    expect(store.create(undefined, pendingWork().work)).toBeUndefined();
    expect(clock.pendingSleeps).toBe(0);
  });
});

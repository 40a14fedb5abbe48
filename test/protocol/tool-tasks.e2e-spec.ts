// Tools that run as tasks (2025-11-25) on an official SDK 1.x server with the SDK's task store:
// tools/call with `task`, then tasks/get at the server's poll interval and tasks/result. The tool
// runs once whatever fails after it was accepted: a failed poll is polled again, and a task lost
// (its session gone, the budget spent, the caller's abort) is a typed "may have run" error.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  isMcpAbortedError,
  isMcpDeliveryUnknownError,
  isMcpProtocolError,
  type McpDeliveryUnknownError,
} from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { faults, type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { startTaskToolsServer, type TaskToolsServer } from '../support/task-tools-server.js';

const textOf = (result: { content: unknown }): string =>
  (result.content as Array<{ text: string }>)[0].text;

describe('tools that run as tasks', () => {
  let server: TaskToolsServer;
  let proxy: FaultProxy;
  let app: ClientTestApp | undefined;

  const methods = (): string[] =>
    proxy.requests.flatMap((request) => (request.jsonRpcMethod ? [request.jsonRpcMethod] : []));

  async function start(dlq = false): Promise<ClientTestApp> {
    app = await startClientApp({
      servers: { tasks: { url: proxy.url } },
      ...(dlq ? { dlq: {} } : { dlq: false }),
    });
    return app;
  }

  beforeAll(async () => {
    server = await startTaskToolsServer();
    proxy = await startFaultProxy(server.url);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    server.runs.clear();
    proxy.clear();
    proxy.clearRequests();
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('runs a tool that requires a task: tools/call, tasks/get until done, tasks/result', async () => {
    const { client } = await start();
    const result = await client.callToolWithRetry('tasks', 'report', { ms: 150, label: 'q3' });
    expect(textOf(result)).toBe('report q3');
    expect(server.runs.get('report')).toBe(1);
    const sent = methods();
    // The listing first: it says which tools need a task.
    expect(sent.filter((m) => m === 'tools/list')).toHaveLength(1);
    expect(sent.filter((m) => m === 'tools/call')).toHaveLength(1);
    expect(sent.filter((m) => m === 'tasks/get').length).toBeGreaterThan(1);
    expect(sent.at(-1)).toBe('tasks/result');
    const call = proxy.requests.find((r) => r.jsonRpcMethod === 'tools/call');
    expect(JSON.parse(call?.body ?? '{}')).toMatchObject({ params: { name: 'report', task: {} } });
  });

  it('runs an optional one as a task only when asked, and a plain tool as before', async () => {
    const { client } = await start();
    expect(textOf(await client.callToolWithRetry('tasks', 'export', { ms: 10, label: 'a' }))).toBe(
      'export a',
    );
    expect(methods()).not.toContain('tasks/get');
    const asTask = await client.callToolWithRetry(
      'tasks',
      'export',
      { ms: 50, label: 'b' },
      { task: true },
    );
    expect(textOf(asTask)).toBe('export b');
    expect(methods()).toContain('tasks/result');
    expect(textOf(await client.callToolWithRetry('tasks', 'plain', {}, { task: true }))).toBe(
      'plain',
    );
    expect(server.runs.get('plain')).toBe(1);
  });

  it('asks tasks/result at once for a task that needs input, and returns a failed task as its tool error', async () => {
    const { client } = await start();
    expect(textOf(await client.callToolWithRetry('tasks', 'ask', { ms: 100 }))).toBe('answered');
    expect(methods().filter((m) => m === 'tasks/get')).toHaveLength(1);
    const broken = await client.callToolWithRetry('tasks', 'broken', { ms: 30 });
    expect(broken.isError).toBe(true);
    expect(textOf(broken)).toBe('it broke');
  });

  it("passes a task's progress to onProgress: the call's token lives as long as the task", async () => {
    const { client } = await start();
    const seen: Array<{ progress: number; total?: number }> = [];
    const result = await client.callToolWithRetry(
      'tasks',
      'steps',
      { ms: 150 },
      { onProgress: ({ progress, total }) => seen.push({ progress, total }) },
    );
    expect(textOf(result)).toBe('stepped');
    expect(seen).toEqual([
      { progress: 1, total: 2 },
      { progress: 2, total: 2 },
    ]);
    // The token went with the call only: the requests that follow the task hear it, never send it.
    const tokens = proxy.requests.map((request): [string, unknown] => {
      const body = JSON.parse(request.body || '{}') as {
        params?: { _meta?: Record<string, unknown> };
      };
      return [request.jsonRpcMethod ?? '', body.params?._meta?.progressToken];
    });
    expect(tokens.filter(([method]) => method === 'tools/call')).toEqual([
      ['tools/call', expect.stringMatching(/^task-call-\d+$/)],
    ]);
    const followed = tokens.filter(([method]) => method.startsWith('tasks/'));
    expect(followed.length).toBeGreaterThan(1);
    expect(followed.filter(([, token]) => token !== undefined)).toEqual([]);
  });

  it('polls again after a failed poll: the tool runs once', async () => {
    const { client } = await start();
    proxy.inject({ match: { method: 'tasks/get' }, fault: faults.status(503), times: 2 });
    const result = await client.callToolWithRetry('tasks', 'report', { ms: 150, label: 'x' });
    expect(textOf(result)).toBe('report x');
    expect(server.runs.get('report')).toBe(1);
    expect(methods().filter((m) => m === 'tools/call')).toHaveLength(1);
  });

  it('fails a task whose session is gone as McpDeliveryUnknownError naming it, never calling again', async () => {
    const { client, moduleRef } = await start(true);
    proxy.inject({ match: { method: 'tasks/get' }, fault: faults.dropSession() });
    const error: unknown = await client
      .callToolWithRetry('tasks', 'report', { ms: 5000, label: 'y' })
      .catch((e: unknown) => e);
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect((error as McpDeliveryUnknownError).taskId).toMatch(/\w/);
    expect(server.runs.get('report')).toBe(1);
    expect(methods().filter((m) => m === 'tools/call')).toHaveLength(1);
    const { items } = await moduleRef.get(DeadLetterQueueService).list();
    expect(items).toEqual([expect.objectContaining({ toolName: 'report', deliveryUnknown: true })]);
  });

  // The budget ending while a poll is out aborts that poll's attempt: the error still names the
  // task (it once came out as the attempt's bare budget McpTimeoutError, now and then in full runs).
  it('names the task when the budget runs out while a poll is out', async () => {
    const { client } = await start();
    await client.listToolsWithRetry('tasks');
    proxy.inject({ match: { method: 'tasks/get' }, fault: faults.hang(), after: 1 });
    const error: unknown = await client
      .callToolWithRetry('tasks', 'report', { ms: 5000, label: 'z' }, { timeoutMs: 1000 })
      .catch((e: unknown) => e);
    proxy.releaseHung();
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect((error as McpDeliveryUnknownError).taskId).toMatch(/\w/);
    expect(methods().filter((m) => m === 'tasks/get')).toHaveLength(2);
    expect(server.runs.get('report')).toBe(1);
  });

  it('cancels the task when the caller aborts, and says it may have run', async () => {
    const { client } = await start();
    const controller = new AbortController();
    const aborted = client
      .callToolWithRetry('tasks', 'report', { ms: 5000 }, { signal: controller.signal })
      .catch((e: unknown) => e);
    while (!methods().includes('tasks/get')) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    const error = await aborted;
    expect(isMcpAbortedError(error) && error.delivery).toBe('unknown');
    await expectCancelled(1);
  });

  it('leaves a task running when the budget runs out; tasks/list names it, awaitToolTaskWithRetry gets its result', async () => {
    const { client } = await start();
    // Connected and listed first, so the budget is the task's alone even on a loaded machine.
    await client.listToolsWithRetry('tasks');
    const late: unknown = await client
      .callToolWithRetry('tasks', 'report', { ms: 5000, label: 'late' }, { timeoutMs: 2000 })
      .catch((e: unknown) => e);
    expect(isMcpDeliveryUnknownError(late)).toBe(true);
    const { taskId } = late as McpDeliveryUnknownError;
    expect(String((late as Error).message)).toContain(`task ${taskId} of tool report`);
    expect(methods()).not.toContain('tasks/cancel');
    // The session's tasks name it, still working.
    const listed = await client.listToolTasksWithRetry('tasks');
    expect(listed).toEqual([expect.objectContaining({ taskId, status: 'working' })]);

    const result = await client.awaitToolTaskWithRetry('tasks', taskId ?? '');
    expect(textOf(result)).toBe('report late');
    expect(await client.listToolTasksWithRetry('tasks')).toEqual([
      expect.objectContaining({ taskId, status: 'completed' }),
    ]);
    expect(server.runs.get('report')).toBe(1);
    expect(methods().filter((m) => m === 'tools/call')).toHaveLength(1);
    const unknown: unknown = await client
      .awaitToolTaskWithRetry('tasks', 'no-such-task')
      .catch((e: unknown) => e);
    expect(isMcpProtocolError(unknown) && unknown.code).toBe(-32602);
  });

  async function expectCancelled(times: number): Promise<void> {
    for (let waited = 0; waited < 2000; waited += 10) {
      if (methods().filter((m) => m === 'tasks/cancel').length >= times) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(methods().filter((m) => m === 'tasks/cancel')).toHaveLength(times);
  }
});

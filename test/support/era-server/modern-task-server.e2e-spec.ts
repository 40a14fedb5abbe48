// Checks the tasks-extension test server with plain fetch: the 2026-07-28 envelope and standard
// headers are built by hand, as a client would send them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModernTaskServer, startModernTaskServer } from './modern-task-server.js';

const TASKS = 'io.modelcontextprotocol/tasks';

interface Reply {
  status: number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

interface SendOptions {
  /** Declare the tasks extension in `_meta` client capabilities. Default true. */
  tasks?: boolean;
  /** `Mcp-Name`; by default the tool name or the task id, as the client sends it. */
  name?: string;
  /** `Mcp-Method`; by default the method. */
  methodHeader?: string;
}

describe('modern task server (tasks extension in front of the v2 SDK)', () => {
  let server: ModernTaskServer;
  let nextId = 1;

  beforeAll(async () => {
    server = await startModernTaskServer();
  });

  afterAll(async () => {
    await server.close();
  });

  async function send(
    method: string,
    params: Record<string, unknown> = {},
    options: SendOptions = {},
  ): Promise<Reply> {
    const extensions = options.tasks === false ? {} : { [TASKS]: {} };
    const _meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'harness-check', version: '1.0.0' },
      'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} }, extensions },
    };
    const name = options.name ?? params.name ?? params.taskId;
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': options.methodHeader ?? method,
        ...(typeof name === 'string' && { 'mcp-name': name }),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params: { ...params, _meta } }),
    });
    const body = (await response.json()) as Omit<Reply, 'status'>;
    return { status: response.status, ...body };
  }

  const call = (name: string, args: Record<string, unknown>, options?: SendOptions) =>
    send('tools/call', { name, arguments: args }, options);
  const getTask = (taskId: string) => send('tasks/get', { taskId });

  async function startTask(name: string, args: Record<string, unknown>): Promise<string> {
    const { result } = await call(name, args);
    expect(result).toMatchObject({ resultType: 'task', status: 'working' });
    return result?.taskId as string;
  }

  /** Polls `tasks/get` until the task leaves `working`. */
  async function settled(taskId: string): Promise<Record<string, unknown>> {
    let result: Record<string, unknown> | undefined;
    await expect
      .poll(async () => {
        result = (await getTask(taskId)).result;
        return result?.status;
      })
      .not.toBe('working');
    return result ?? {};
  }

  it('adds the tasks extension to the SDK discover answer', async () => {
    const { result } = await send('server/discover');
    expect(result?.supportedVersions).toEqual(['2026-07-28']);
    expect(result?.capabilities).toMatchObject({ tools: {}, extensions: { [TASKS]: {} } });
  });

  it('makes a declared slow call a task that works, then completes with the result', async () => {
    const before = server.runs.get('slow') ?? 0;
    const { status, result: created } = await call('slow', { ms: 150, label: 'one' });
    expect(status).toBe(200);
    expect(created).toEqual({
      resultType: 'task',
      taskId: expect.any(String) as string,
      status: 'working',
      createdAt: expect.any(String) as string,
      lastUpdatedAt: expect.any(String) as string,
      ttlMs: 60_000,
      pollIntervalMs: 20,
    });
    const taskId = created?.taskId as string;
    expect((await getTask(taskId)).result).toMatchObject({
      resultType: 'complete',
      taskId,
      status: 'working',
    });
    const done = await settled(taskId);
    expect(done).toMatchObject({ resultType: 'complete', status: 'completed' });
    expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'slow one' }] });
    expect(done.result).not.toHaveProperty('resultType');
    expect(server.runs.get('slow')).toBe(before + 1);
    expect(server.taskStatus(taskId)).toBe('completed');
  });

  it('runs slow and plain at once for a client without the extension', async () => {
    const slow = await call('slow', { ms: 1, label: 'sync' }, { tasks: false });
    expect(slow.result).toMatchObject({
      resultType: 'complete',
      content: [{ type: 'text', text: 'slow sync' }],
    });
    const plain = await call('plain', {});
    expect(plain.result).toMatchObject({ content: [{ type: 'text', text: 'plain' }] });
  });

  it('refuses needs_task with -32021 to a client without the extension', async () => {
    const before = server.runs.get('needs_task') ?? 0;
    const { status, error } = await call('needs_task', { ms: 1 }, { tasks: false });
    expect(status).toBe(400);
    expect(error).toEqual({
      code: -32021,
      message: 'Missing required client capability',
      data: { requiredCapabilities: { extensions: { [TASKS]: {} } } },
    });
    expect(server.runs.get('needs_task') ?? 0).toBe(before);
  });

  it('completes needs_task as a task for a declaring client', async () => {
    const done = await settled(await startTask('needs_task', { ms: 10 }));
    expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'needed' }] });
  });

  it('answers an unknown task id with -32602 on get, update and cancel', async () => {
    const taskId = 'no-such-task';
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      const { error } = await send(method, { taskId, inputResponses: {} });
      expect(error).toEqual({ code: -32602, message: 'Failed to retrieve task: Task not found' });
    }
  });

  it('refuses tasks/get with -32021 when the request does not declare the extension', async () => {
    const taskId = await startTask('slow', { ms: 1 });
    const { status, error } = await send('tasks/get', { taskId }, { tasks: false });
    expect(status).toBe(400);
    expect(error?.code).toBe(-32021);
  });

  it('takes confirm through input_required and completes it after tasks/update', async () => {
    const before = server.runs.get('confirm') ?? 0;
    const taskId = await startTask('confirm', { ms: 10 });
    const waiting = await settled(taskId);
    expect(waiting.status).toBe('input_required');
    expect(waiting.inputRequests).toEqual({
      confirm: {
        method: 'elicitation/create',
        params: expect.objectContaining({
          mode: 'form',
          message: 'Go ahead?',
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean' } },
            required: ['confirm'],
          },
        }) as unknown,
      },
    });
    expect(waiting).not.toHaveProperty('requestState');
    expect(server.runs.get('confirm') ?? 0).toBe(before);
    const ignored = await send('tasks/update', {
      taskId,
      inputResponses: { other: { action: 'accept', content: {} } },
    });
    expect(ignored.result).toEqual({ resultType: 'complete' });
    expect(server.taskStatus(taskId)).toBe('input_required');
    const ack = await send('tasks/update', {
      taskId,
      inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
    });
    expect(ack.result).toEqual({ resultType: 'complete' });
    const done = await settled(taskId);
    expect(done.status).toBe('completed');
    expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'confirmed' }] });
    expect(server.runs.get('confirm')).toBe(before + 1);
  });

  it('completes confirm with declined when the user declines', async () => {
    const taskId = await startTask('confirm', { ms: 10 });
    expect((await settled(taskId)).status).toBe('input_required');
    await send('tasks/update', { taskId, inputResponses: { confirm: { action: 'decline' } } });
    const done = await settled(taskId);
    expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'declined' }] });
  });

  it('cancels a working task and drops its result', async () => {
    const taskId = await startTask('slow', { ms: 5_000 });
    const ack = await send('tasks/cancel', { taskId });
    expect(ack.result).toEqual({ resultType: 'complete' });
    const { result } = await getTask(taskId);
    expect(result).toMatchObject({
      status: 'cancelled',
      statusMessage: expect.any(String) as string,
    });
    expect(result).not.toHaveProperty('result');
    // The SDK call is aborted; the task stays cancelled.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.taskStatus(taskId)).toBe('cancelled');
  });

  it('fails the task of a tool the SDK does not know, with its JSON-RPC error', async () => {
    const done = await settled(await startTask('missing', {}));
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({
      code: -32602,
      message: expect.stringContaining('missing') as string,
    });
    expect(done.statusMessage).toEqual(expect.stringContaining('missing'));
  });

  it('answers a wrong Mcp-Name or Mcp-Method with 400 and -32020, as the SDK does', async () => {
    const taskId = await startTask('slow', { ms: 1 });
    const wrongName = await send('tasks/get', { taskId }, { name: 'someone-else' });
    expect(wrongName.status).toBe(400);
    expect(wrongName.error?.code).toBe(-32020);
    const wrongMethod = await send('tasks/get', { taskId }, { methodHeader: 'tasks/cancel' });
    expect(wrongMethod.status).toBe(400);
    expect(wrongMethod.error?.code).toBe(-32020);
    expect(server.taskStatus(taskId)).not.toBe('cancelled');
    const sdk = await call('plain', {}, { name: 'not-plain' });
    expect(sdk.status).toBe(400);
    expect(sdk.error?.code).toBe(wrongName.error?.code);
  });
});

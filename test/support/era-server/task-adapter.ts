import type { FetchHandler } from './fetch-on-node.js';
import {
  errorResponse,
  readRpcReply,
  readRpcRequest,
  resultResponse,
  type RpcReply,
  type RpcRequest,
} from './json-rpc-http.js';
import {
  declaresTasks,
  headerMismatch,
  missingTasksCapability,
  TASKS_EXTENSION,
  withoutTasks,
} from './task-checks.js';
import {
  detailedTask,
  isTerminal,
  newTask,
  settleTask,
  setStatus,
  type TaskRecord,
  type TaskTiming,
} from './task-records.js';

/** The tools the adapter runs as tasks (`missing` is not registered: its task fails). */
const TASK_TOOLS = new Set(['slow', 'needs_task', 'confirm', 'missing']);
const TASK_METHODS = new Set(['tasks/get', 'tasks/update', 'tasks/cancel']);

export interface TaskAdapter {
  handler: FetchHandler;
  taskStatus: (taskId: string) => string | undefined;
  /** Stops the background work of every task still running. */
  abortAll: () => void;
}

/**
 * The server side of the tasks extension in front of an SDK handler that knows nothing of it:
 * `server/discover` gains the extension, a declaring client's `tools/call` of a task tool becomes
 * a task whose call the SDK runs in the background, and `tasks/*` are answered here. Everything
 * else goes to `sdk` untouched.
 */
export function taskAdapter(sdk: FetchHandler, timing: TaskTiming): TaskAdapter {
  const tasks = new Map<string, TaskRecord>();

  const handler: FetchHandler = async (request) => {
    const rpc = await readRpcRequest(request);
    if (rpc?.method === 'server/discover') return withTasksExtension(await sdk(request));
    if (rpc?.method === 'tools/call') return callTool(request, rpc);
    if (rpc && TASK_METHODS.has(rpc.method)) return taskRequest(request, rpc);
    return sdk(request);
  };

  function callTool(request: Request, rpc: RpcRequest): Promise<Response> | Response {
    const name = rpc.params?.name;
    if (typeof name !== 'string' || !TASK_TOOLS.has(name)) return sdk(request);
    const mismatch = headerMismatch(request, rpc, name);
    if (mismatch) return mismatch;
    if (!declaresTasks(rpc)) {
      return name === 'needs_task' ? missingTasksCapability(rpc.id) : sdk(request);
    }
    const headers = new Headers(request.headers);
    headers.delete('content-length');
    const task = newTask({ url: request.url, headers, request: rpc });
    tasks.set(task.taskId, task);
    void run(task, withoutTasks(rpc.params));
    return resultResponse(rpc.id, { resultType: 'task', ...detailedTask(task, timing) });
  }

  /** Sends the task's call to the SDK and settles the task with the answer, unless cancelled. */
  async function run(task: TaskRecord, params: Record<string, unknown>): Promise<void> {
    const reply = await sendToSdk(task, params).catch((error: unknown): RpcReply => ({
      error: { code: -32603, message: String(error) },
    }));
    if (task.status === 'working') settleTask(task, reply);
  }

  async function sendToSdk(task: TaskRecord, params: Record<string, unknown>): Promise<RpcReply> {
    const { url, headers, request } = task.call;
    const response = await sdk(
      new Request(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...request, params }),
        signal: task.abort.signal,
      }),
    );
    const reply = await readRpcReply(response);
    if (!reply) throw new Error(`No JSON-RPC answer (HTTP ${response.status})`);
    return reply;
  }

  function taskRequest(request: Request, rpc: RpcRequest): Response {
    const taskId = rpc.params?.taskId;
    const mismatch = headerMismatch(request, rpc, taskId);
    if (mismatch) return mismatch;
    if (!declaresTasks(rpc)) return missingTasksCapability(rpc.id);
    const task = typeof taskId === 'string' ? tasks.get(taskId) : undefined;
    if (!task) {
      return errorResponse(rpc.id, {
        code: -32602,
        message: 'Failed to retrieve task: Task not found',
      });
    }
    if (rpc.method === 'tasks/get') {
      return resultResponse(rpc.id, { resultType: 'complete', ...detailedTask(task, timing) });
    }
    if (rpc.method === 'tasks/update') answer(task, rpc.params?.inputResponses);
    else cancel(task);
    return resultResponse(rpc.id, { resultType: 'complete' });
  }

  /** Takes the answers to outstanding keys; once every key is answered the call runs again. */
  function answer(task: TaskRecord, inputResponses: unknown): void {
    const outstanding = task.status === 'input_required' ? task.inputRequests : undefined;
    if (!outstanding || typeof inputResponses !== 'object' || inputResponses === null) return;
    for (const [key, value] of Object.entries(inputResponses)) {
      if (Object.hasOwn(outstanding, key)) task.answers[key] = value;
    }
    if (!Object.keys(outstanding).every((key) => Object.hasOwn(task.answers, key))) return;
    const params = {
      ...withoutTasks(task.call.request.params),
      inputResponses: task.answers,
      ...(task.requestState !== undefined && { requestState: task.requestState }),
    };
    task.answers = {};
    setStatus(task, 'working');
    void run(task, params);
  }

  function cancel(task: TaskRecord): void {
    if (isTerminal(task.status)) return;
    setStatus(task, 'cancelled', 'Cancelled by the client');
    task.abort.abort();
  }

  return {
    handler,
    taskStatus: (taskId) => tasks.get(taskId)?.status,
    abortAll: () => tasks.forEach((task) => task.abort.abort()),
  };
}

/** A `server/discover` answer (JSON or SSE) with the tasks extension in its capabilities. */
async function withTasksExtension(response: Response): Promise<Response> {
  const reply = await readRpcReply(response.clone());
  const capabilities = reply?.result?.capabilities as Record<string, unknown> | undefined;
  if (!reply?.result || !capabilities) return response;
  const extensions = {
    ...(capabilities.extensions as Record<string, unknown> | undefined),
    [TASKS_EXTENSION]: {},
  };
  const result = { ...reply.result, capabilities: { ...capabilities, extensions } };
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify({ ...reply, result }), { status: response.status, headers });
}

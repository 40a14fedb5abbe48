import { RELATED_TASK_META_KEY, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { type ClientTaskStore, isTerminal } from './client-task-store.js';
import { InvalidParams, ErrorAnswer } from './server-request-errors.js';

/** The methods a server asks the client's tasks with. */
export const TASK_METHODS: ReadonlySet<string> = new Set([
  'tasks/get',
  'tasks/result',
  'tasks/list',
  'tasks/cancel',
]);

/** The requests a server may send as tasks (when the client declared them). */
export const TASK_AUGMENTABLE_METHODS: ReadonlySet<string> = new Set([
  'elicitation/create',
  'sampling/createMessage',
]);

/** Longest task id or cursor read from a server: the client's own are far shorter. */
const MAX_ID_LENGTH = 256;

/**
 * The `task` of a request's params, when the server sent the request as a task: `{ ttl? }`, the
 * ttl it asks for (the store bounds it). Throws InvalidParams when `task` is not an object, or its
 * `ttl` not a number of milliseconds (0 or more).
 */
export function requestedTask(request: JSONRPCRequest): { ttl?: number } | undefined {
  const task = (request.params as { task?: unknown } | undefined)?.task;
  if (task === undefined) return undefined;
  if (typeof task !== 'object' || task === null || Array.isArray(task)) {
    throw new InvalidParams('Invalid task: expected an object');
  }
  const { ttl } = task as { ttl?: unknown };
  if (ttl === undefined) return {};
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
    throw new InvalidParams('Invalid task ttl: expected a number of milliseconds');
  }
  return { ttl };
}

/**
 * Answers a server's `tasks/get`, `tasks/result`, `tasks/list` or `tasks/cancel` from the
 * session's store. What the server sends is checked first: a task id that is not a string of at
 * most 256 characters, or names no task of this session, is -32602, as is a cursor the store
 * never gave and the cancel of a finished task. `tasks/result` waits (until `signal` aborts) for
 * the task to finish, and returns its result with the related-task `_meta`, or throws ErrorAnswer
 * with the JSON-RPC error that answers a failed or cancelled one.
 */
export async function answerTaskRequest(
  request: JSONRPCRequest,
  store: ClientTaskStore,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  switch (request.method) {
    case 'tasks/list': {
      const page = store.list(cursorOf(request));
      if (!page) throw new InvalidParams('Invalid cursor');
      return page;
    }
    case 'tasks/get':
      return store.get(taskIdOf(request)) ?? notFound();
    case 'tasks/cancel': {
      const taskId = taskIdOf(request);
      const task = store.get(taskId) ?? notFound();
      if (isTerminal(task.status)) {
        throw new InvalidParams(`Cannot cancel task: already in terminal status '${task.status}'`);
      }
      return store.cancel(taskId) ?? notFound();
    }
    default: {
      const taskId = taskIdOf(request);
      const outcome = (await store.outcome(taskId, signal)) ?? notFound();
      if ('error' in outcome) throw new ErrorAnswer(outcome.error);
      const { result } = outcome;
      const meta = (result._meta ?? {}) as Record<string, unknown>;
      return { ...result, _meta: { ...meta, [RELATED_TASK_META_KEY]: { taskId } } };
    }
  }
}

function notFound(): never {
  throw new InvalidParams('Failed to retrieve task: Task not found');
}

function taskIdOf(request: JSONRPCRequest): string {
  const taskId = (request.params as { taskId?: unknown } | undefined)?.taskId;
  if (typeof taskId !== 'string' || taskId.length === 0 || taskId.length > MAX_ID_LENGTH) {
    throw new InvalidParams('Invalid taskId: expected a string of 1 to 256 characters');
  }
  return taskId;
}

function cursorOf(request: JSONRPCRequest): string | undefined {
  const cursor = (request.params as { cursor?: unknown } | undefined)?.cursor;
  if (cursor === undefined) return undefined;
  if (typeof cursor !== 'string' || cursor.length > MAX_ID_LENGTH) {
    throw new InvalidParams('Invalid cursor');
  }
  return cursor;
}

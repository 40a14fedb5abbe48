import { randomUUID } from 'node:crypto';
import type { RpcError, RpcReply, RpcRequest } from './json-rpc-http.js';

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** How long a task lives and how often a client should poll it. */
export interface TaskTiming {
  ttlMs: number;
  pollIntervalMs: number;
}

/** One task of the adapter: what a client sees, and what it needs to run the call again. */
export interface TaskRecord {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  result?: Record<string, unknown>;
  error?: RpcError;
  inputRequests?: Record<string, unknown>;
  /** Kept from the SDK's `input_required` answer, never shown to the client. */
  requestState?: unknown;
  /** Answers to `inputRequests` gathered so far, by key. */
  answers: Record<string, unknown>;
  /** The `tools/call` as the client sent it, headers and all, to hand to the SDK. */
  call: { url: string; headers: Headers; request: RpcRequest };
  /** Aborts the SDK request running the call (a cancelled task). */
  abort: AbortController;
}

/** A new `working` task for `call`. */
export function newTask(call: TaskRecord['call']): TaskRecord {
  const now = new Date().toISOString();
  return {
    taskId: randomUUID(),
    status: 'working',
    createdAt: now,
    lastUpdatedAt: now,
    answers: {},
    call,
    abort: new AbortController(),
  };
}

export const isTerminal = (status: TaskStatus): boolean =>
  status === 'completed' || status === 'failed' || status === 'cancelled';

/** Moves `task` to `status`, dropping the payload fields of the status it leaves. */
export function setStatus(task: TaskRecord, status: TaskStatus, statusMessage?: string): void {
  task.status = status;
  task.statusMessage = statusMessage;
  task.lastUpdatedAt = new Date().toISOString();
  task.inputRequests = undefined;
}

/** Settles a `working` task with the SDK's answer to its `tools/call`. */
export function settleTask(task: TaskRecord, reply: RpcReply): void {
  if (reply.error) {
    setStatus(task, 'failed', `Tool execution failed: ${reply.error.message}`);
    task.error = reply.error;
    return;
  }
  const { resultType, inputRequests, requestState, ...result } = reply.result ?? {};
  if (resultType === 'input_required') {
    setStatus(task, 'input_required', 'Waiting for the client');
    task.inputRequests = (inputRequests ?? {}) as Record<string, unknown>;
    task.requestState = requestState;
    return;
  }
  setStatus(task, 'completed');
  task.result = result;
}

/** The task as `tasks/get` shows it: the `Task` fields and its status's payload. */
export function detailedTask(task: TaskRecord, timing: TaskTiming): Record<string, unknown> {
  return {
    taskId: task.taskId,
    status: task.status,
    ...(task.statusMessage !== undefined && { statusMessage: task.statusMessage }),
    createdAt: task.createdAt,
    lastUpdatedAt: task.lastUpdatedAt,
    ttlMs: timing.ttlMs,
    pollIntervalMs: timing.pollIntervalMs,
    ...(task.status === 'completed' && { result: task.result }),
    ...(task.status === 'failed' && { error: task.error }),
    ...(task.status === 'input_required' && { inputRequests: task.inputRequests }),
  };
}

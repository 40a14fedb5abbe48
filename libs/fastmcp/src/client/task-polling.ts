import { type FastMcpError, isFastMcpError } from '../errors/fastmcp.error.js';
import { isMcpAbortedError } from '../errors/mcp-aborted.error.js';
import { McpDeliveryUnknownError } from '../errors/mcp-delivery-unknown.error.js';
import { isMcpTransportError } from '../errors/mcp-transport.error.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { UpstreamText } from '../transport/upstream-text.js';
import { withDelivery } from '../retry/with-delivery.js';
import { isTerminal, type TaskState, taskStateOf } from './tool-task.js';

/** How a task is followed on its session. */
export interface TaskChannel {
  /** One request of the call (an attempt of its run): `tasks/get`, `tasks/result`, `tasks/update`. */
  request(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Asks the server to stop the task when the caller aborts, best effort, in the background; or null. */
  cancel: ((taskId: string) => void) | null;
  /** Scrubs what the server says of the task of the request's secrets. */
  upstream: UpstreamText;
  /** How this revision's tasks are followed: see `TaskSteps`. */
  steps: TaskSteps;
}

/**
 * One step of following a task, as its revision does it: the task's next state, or its end (the
 * tool's result, or the failure it ended with, which says the tool may have run).
 */
export type TaskSteps = (task: TaskState, channel: TaskChannel, run: RetryRun) => Promise<TaskStep>;
export type TaskStep =
  { task: TaskState } | { result: Record<string, unknown> } | { failure: FastMcpError };

/**
 * The 2025-11-25 way: `tasks/get` while the task works; once it is done or needs input,
 * `tasks/result`, whose answer is the tool's (the server's requests for the input come on its
 * stream).
 */
export const pollThenFetchResult: TaskSteps = async (task, channel, run) => {
  let next = task;
  if (next.status === 'working') {
    const polled = await channel.request('tasks/get', { taskId: task.taskId });
    next = taskStateOf(polled, run.clientId, channel.upstream);
  }
  if (isTerminal(next.status) || next.status === 'input_required') {
    return { result: await channel.request('tasks/result', { taskId: task.taskId }) };
  }
  return { task: next };
};

/**
 * Follows a tool's task to its end, a step at a time (see `TaskSteps`), waiting the server's poll
 * interval while it works. A step that fails is tried again at the next interval, up to
 * `maxRetries` failures in a row: each is safe to repeat, the tool is never called again. What
 * ends the call before the result (failures past that, the task's own failure, the budget, the
 * caller's abort) says the tool may have run (McpDeliveryUnknownError naming the task, or
 * McpAbortedError with delivery unknown); an abort also asks the server to cancel the task.
 */
export async function awaitTaskResult(
  created: unknown,
  channel: TaskChannel,
  run: RetryRun,
  toolName: string | undefined,
): Promise<Record<string, unknown>> {
  let task: TaskState | undefined;
  let failures = 0;
  try {
    task = taskStateOf(created, run.clientId, channel.upstream);
    for (;;) {
      // The budget running out, or the caller's abort, ends the wait, and so the call.
      if (task.status === 'working') await run.pause(task.pollIntervalMs);
      let step: TaskStep;
      try {
        step = await channel.steps(task, channel, run);
        failures = 0;
      } catch (error) {
        if (!isFastMcpError(error) || isMcpAbortedError(error) || isSessionLost(error)) throw error;
        failures += 1;
        const { retryable } = run.recordFailure(error);
        run.endAttempt();
        if (!retryable || failures > run.policy.maxRetries) throw error;
        // Asked again after a wait: a task that needed input may be working again by then.
        task = { ...task, status: 'working' };
        continue;
      }
      if ('result' in step) return step.result;
      if ('failure' in step) throw step.failure;
      task = step.task;
    }
  } catch (error) {
    // Only the caller's abort says the tool is not wanted: after any other end the task is left
    // running, and awaitTask can follow it again by the id the error names.
    if (task && !isTerminal(task.status) && isMcpAbortedError(error)) channel.cancel?.(task.taskId);
    throw mayHaveRun(error, toolName, task?.taskId, run);
  }
}

/** The session is gone, and its tasks with it. */
function isSessionLost(error: FastMcpError): boolean {
  return isMcpTransportError(error) && error.failure === 'session_lost';
}

/** The error of a call whose tool ran as a task that may have run, or may still be running. */
function mayHaveRun(
  error: unknown,
  toolName: string | undefined,
  taskId: string | undefined,
  run: RetryRun,
): unknown {
  if (!isFastMcpError(error)) return error;
  if (isMcpAbortedError(error)) return withDelivery(error, 'unknown', run.operation);
  return new McpDeliveryUnknownError(toolName, error, {
    clientId: run.clientId,
    operation: run.operation,
    taskId,
  });
}

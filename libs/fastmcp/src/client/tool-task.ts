import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { offersTasksExtension } from '../protocol/tasks-extension.js';
import type { McpSession } from '../session/mcp-session.interface.js';
import type { UpstreamText } from '../transport/upstream-text.js';

/** The revision that brought tasks (experimental there; an extension from 2026-07-28 on). */
const TASKS_REVISION = '2025-11-25';
/** Waits between two polls when the server names none, and the bounds of one it names. */
const DEFAULT_POLL_MS = 1000;
const MIN_POLL_MS = 50;
const MAX_POLL_MS = 30_000;

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
const STATUSES: ReadonlySet<string> = new Set([
  'working',
  'input_required',
  'completed',
  'failed',
  'cancelled',
]);

/** What a task's `CreateTaskResult` and `tasks/get` tell of it. */
export interface TaskState {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  pollIntervalMs: number;
}

/**
 * Whether a `tools/call` of `tool` goes as a task: on a 2025-11-25 session whose server offers
 * task-augmented tool calls, when the tool requires it, or allows it and the caller asked.
 */
export function runsAsTask(
  session: McpSession,
  tool: Tool | undefined,
  asked: boolean | undefined,
): boolean {
  if (session.era !== 'legacy' || session.protocolVersion !== TASKS_REVISION) return false;
  if (!offersToolTasks(session)) return false;
  const support = tool?.execution?.taskSupport;
  return support === 'required' || (support === 'optional' && asked === true);
}

/** The server takes task-augmented `tools/call` requests. */
export function offersToolTasks(session: McpSession): boolean {
  return session.capabilities?.tasks?.requests?.tools?.call !== undefined;
}

/** The server takes `tasks/cancel` (in 2026-07-28, every server of the tasks extension does). */
export function offersTaskCancel(session: McpSession): boolean {
  if (session.era === 'modern') return offersTasksExtension(session.capabilities);
  return session.capabilities?.tasks?.cancel !== undefined;
}

/** A 2026-07-28 `tools/call` result that is a task handle (the tasks extension), not the result. */
export function isTaskHandle(result: Record<string, unknown>): boolean {
  return result.resultType === 'task';
}

/** Completed, failed or cancelled: its result is ready, and the status will not change. */
export function isTerminal(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/**
 * The task of a `CreateTaskResult` (2025: its `task`; 2026-07-28: the result itself) or of a
 * `tasks/get` result (the task itself). A
 * task id is sent back and named in errors and dead letters as it is, so one that carries a
 * secret of the request (a server echoing its token) is refused, unquoted.
 */
export function taskStateOf(value: unknown, clientId: string, upstream: UpstreamText): TaskState {
  const task =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  // `pollInterval` in 2025-11-25, `pollIntervalMs` in the 2026-07-28 tasks extension.
  const { taskId, status, statusMessage, pollInterval, pollIntervalMs } = task;
  if (typeof taskId !== 'string' || taskId === '' || typeof status !== 'string') {
    throw new McpProtocolError(-32603, 'the task in the answer has no taskId or status', {
      clientId,
    });
  }
  if (upstream.scrub(taskId) !== taskId) {
    throw new McpProtocolError(-32603, 'the task id in the answer carries a credential', {
      clientId,
    });
  }
  if (!STATUSES.has(status)) {
    const shown = upstream.excerpt(status, 40);
    throw new McpProtocolError(-32603, `the task has an unknown status ${shown}`, { clientId });
  }
  const state: TaskState = {
    taskId,
    status: status as TaskStatus,
    pollIntervalMs: pollDelay(pollIntervalMs ?? pollInterval),
  };
  if (typeof statusMessage === 'string') state.statusMessage = statusMessage;
  return state;
}

/** The server's `pollInterval`, kept within bounds: none or a bad one is 1 s. */
function pollDelay(pollInterval: unknown): number {
  if (typeof pollInterval !== 'number' || !Number.isFinite(pollInterval)) return DEFAULT_POLL_MS;
  return Math.min(Math.max(pollInterval, MIN_POLL_MS), MAX_POLL_MS);
}

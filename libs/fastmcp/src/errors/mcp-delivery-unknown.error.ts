import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/**
 * A `tools/call` failed after it may have reached the server (a timeout, a cut stream, a 500,
 * 502 or 504), and the tool is not known to be safe to run twice: it may or may not have run,
 * so it was not sent again. `cause` is the failure that made delivery unknown. For a tool run as
 * a task, the server accepted it and the task could not be followed to its result (`taskId`).
 */
export class McpDeliveryUnknownError extends FastMcpError {
  override readonly name = 'McpDeliveryUnknownError';
  readonly toolName?: string;
  /** The server's task of the call, when the tool ran as one: it may still be running. */
  readonly taskId?: string;

  constructor(
    toolName: string | undefined,
    cause: FastMcpError,
    { taskId, ...fields }: FastMcpErrorFields & { taskId?: string } = {},
  ) {
    const what = toolName ? `tool ${toolName}` : 'the call';
    super(
      `delivery unknown for ${taskId ? `task ${taskId} of ${what}` : what}: it may have run; ` +
        `not re-sent (${cause.message})`,
      { ...fields, cause, status: cause.status, delivery: 'unknown' },
    );
    this.toolName = toolName;
    if (taskId !== undefined) this.taskId = taskId;
  }
}

export const isMcpDeliveryUnknownError = (value: unknown): value is McpDeliveryUnknownError =>
  hasErrorName(value, 'McpDeliveryUnknownError');

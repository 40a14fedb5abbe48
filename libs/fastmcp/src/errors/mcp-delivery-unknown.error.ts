import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/**
 * A `tools/call` failed after it may have reached the server (a timeout, a cut stream, a 500,
 * 502 or 504), and the tool is not known to be safe to run twice: it may or may not have run,
 * so it was not sent again. `cause` is the failure that made delivery unknown.
 */
export class McpDeliveryUnknownError extends FastMcpError {
  override readonly name = 'McpDeliveryUnknownError';
  readonly toolName?: string;

  constructor(toolName: string | undefined, cause: FastMcpError, fields: FastMcpErrorFields = {}) {
    super(
      `delivery unknown for ${toolName ? `tool ${toolName}` : 'the call'}: it may have run; ` +
        `not re-sent (${cause.message})`,
      { ...fields, cause, status: cause.status, delivery: 'unknown' },
    );
    this.toolName = toolName;
  }
}

export const isMcpDeliveryUnknownError = (value: unknown): value is McpDeliveryUnknownError =>
  hasErrorName(value, 'McpDeliveryUnknownError');

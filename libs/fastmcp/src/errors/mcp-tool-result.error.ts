import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/**
 * A replayed `tools/call` got an answer with `isError: true`: the tool ran, and failed. The
 * dead-letter entry stays (marked `deliveryUnknown`, as the tool ran) instead of leaving the
 * queue as a success would. `result` is the tool's answer as it came.
 */
export class McpToolResultError extends FastMcpError {
  override readonly name = 'McpToolResultError';
  readonly toolName: string;
  readonly result: CallToolResult;

  constructor(
    toolName: string,
    result: CallToolResult,
    detail: string,
    fields: FastMcpErrorFields,
  ) {
    super(
      `tool ${toolName} answered with an error result (isError)${detail ? `: ${detail}` : ''}`,
      {
        ...fields,
        operation: 'call_tool',
      },
    );
    this.toolName = toolName;
    this.result = result;
  }
}

export const isMcpToolResultError = (value: unknown): value is McpToolResultError =>
  hasErrorName(value, 'McpToolResultError');

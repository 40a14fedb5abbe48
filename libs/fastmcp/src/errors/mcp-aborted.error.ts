import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** The caller aborted the call through its AbortSignal. Never retried, never dead-lettered. */
export class McpAbortedError extends FastMcpError {
  override readonly name = 'McpAbortedError';

  constructor(fields: FastMcpErrorFields = {}) {
    super('operation aborted by the caller', fields);
  }
}

export const isMcpAbortedError = (value: unknown): value is McpAbortedError =>
  hasErrorName(value, 'McpAbortedError');

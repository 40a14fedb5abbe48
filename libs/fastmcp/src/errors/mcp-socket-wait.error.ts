import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/**
 * An attempt waited too long for a free socket of the connection pool. Its request was never
 * written, so it was not delivered: retried like a refused connection, whatever the tool.
 */
export class McpSocketWaitError extends FastMcpError {
  override readonly name = 'McpSocketWaitError';
  readonly waitedMs: number;

  constructor(waitedMs: number, fields: FastMcpErrorFields = {}) {
    super(`no free socket after ${waitedMs}ms; the request was not sent`, {
      ...fields,
      delivery: 'not_delivered',
    });
    this.waitedMs = waitedMs;
  }
}

export const isMcpSocketWaitError = (value: unknown): value is McpSocketWaitError =>
  hasErrorName(value, 'McpSocketWaitError');

import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/**
 * The caller aborted the call through its AbortSignal. Never retried, never dead-lettered. Its
 * `delivery` is `unknown` when the abort came while a request not safe to repeat was out: the
 * server may have run it.
 */
export class McpAbortedError extends FastMcpError {
  override readonly name = 'McpAbortedError';

  constructor(fields: FastMcpErrorFields = {}) {
    const mayHaveRun =
      fields.delivery === 'unknown' ? ' after its request was sent (it may have run)' : '';
    super(`operation aborted by the caller${mayHaveRun}`, fields);
  }
}

export const isMcpAbortedError = (value: unknown): value is McpAbortedError =>
  hasErrorName(value, 'McpAbortedError');

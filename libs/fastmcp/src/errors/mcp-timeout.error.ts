import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** An attempt ran past its own timeout, or the whole call ran past its budget. */
export class McpTimeoutError extends FastMcpError {
  override readonly name = 'McpTimeoutError';
  readonly timeoutMs: number;
  /** `attempt`: one request's timeout (retryable); `budget`: the call's total budget (final). */
  readonly scope: 'attempt' | 'budget';

  constructor(
    scope: 'attempt' | 'budget',
    timeoutMs: number,
    fields: FastMcpErrorFields & { detail?: string } = {},
  ) {
    const base =
      scope === 'attempt'
        ? `request timed out after ${timeoutMs}ms`
        : `total retry budget of ${timeoutMs}ms exhausted`;
    super(fields.detail ? `${base}: ${fields.detail}` : base, fields);
    this.scope = scope;
    this.timeoutMs = timeoutMs;
  }
}

export const isMcpTimeoutError = (value: unknown): value is McpTimeoutError =>
  hasErrorName(value, 'McpTimeoutError');

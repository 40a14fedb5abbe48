import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** The dead-letter queue's store (Redis) could not be reached for a read, delete or replay. */
export class DlqUnavailableError extends FastMcpError {
  override readonly name = 'DlqUnavailableError';

  constructor(
    /** What failed, without the message's `dead-letter queue unavailable:` prefix. */
    readonly reason: string,
    fields: FastMcpErrorFields = {},
  ) {
    super(`dead-letter queue unavailable: ${reason}`, fields);
  }
}

export const isDlqUnavailableError = (value: unknown): value is DlqUnavailableError =>
  hasErrorName(value, 'DlqUnavailableError');

import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/**
 * The app is shutting down: a new call is refused, or a call still running when `shutdownGraceMs`
 * ran out was ended. Never retried, never dead-lettered (it may have run: check before repeating).
 */
export class FastMcpShutdownError extends FastMcpError {
  override readonly name = 'FastMcpShutdownError';

  constructor(message: string, fields: FastMcpErrorFields = {}) {
    super(`shutting down: ${message}`, fields);
  }
}

export const isFastMcpShutdownError = (value: unknown): value is FastMcpShutdownError =>
  hasErrorName(value, 'FastMcpShutdownError');

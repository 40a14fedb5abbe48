import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/**
 * The app is shutting down: a new call is refused, or a call still running when `shutdownGraceMs`
 * ran out was ended. Never retried. An ended call is dead-lettered (kind `shutdown`); when its
 * request may have reached the server and is not safe to repeat, `delivery` is `unknown` and the
 * entry is marked `deliveryUnknown`.
 */
export class FastMcpShutdownError extends FastMcpError {
  override readonly name = 'FastMcpShutdownError';

  constructor(message: string, fields: FastMcpErrorFields = {}) {
    super(`shutting down: ${message}`, fields);
  }
}

export const isFastMcpShutdownError = (value: unknown): value is FastMcpShutdownError =>
  hasErrorName(value, 'FastMcpShutdownError');

import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** A DLQ argument (id, cursor, filter, page limit, entry field) is malformed. Nothing was touched. */
export class DlqValidationError extends FastMcpError {
  override readonly name = 'DlqValidationError';
  /** The argument that is bad, e.g. `id`, `cursor`, `clientId`, `limit`. */
  readonly field: string;

  constructor(field: string, message: string, fields: FastMcpErrorFields = {}) {
    super(`invalid DLQ ${field}: ${message}`, fields);
    this.field = field;
  }
}

export const isDlqValidationError = (value: unknown): value is DlqValidationError =>
  hasErrorName(value, 'DlqValidationError');

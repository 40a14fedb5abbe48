import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** No dead-letter entry has this id (it was replayed, deleted, expired or evicted). */
export class DlqEntryNotFoundError extends FastMcpError {
  override readonly name = 'DlqEntryNotFoundError';
  readonly id: string;

  constructor(id: string, fields: FastMcpErrorFields = {}) {
    super(`dead-letter entry ${id} not found`, fields);
    this.id = id;
  }
}

export const isDlqEntryNotFoundError = (value: unknown): value is DlqEntryNotFoundError =>
  hasErrorName(value, 'DlqEntryNotFoundError');

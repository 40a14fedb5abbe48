import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** Another replay of the same dead-letter entry holds its lease. Try again after it ends. */
export class ReplayConflictError extends FastMcpError {
  override readonly name = 'ReplayConflictError';
  readonly id: string;

  constructor(id: string, fields: FastMcpErrorFields & { reason?: string } = {}) {
    super(fields.reason ?? `dead-letter entry ${id} is already being replayed`, fields);
    this.id = id;
  }
}

export const isReplayConflictError = (value: unknown): value is ReplayConflictError =>
  hasErrorName(value, 'ReplayConflictError');

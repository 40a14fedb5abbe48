import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

export type TransportFailure = 'network' | 'stream_cut' | 'session_lost';

/** The request never got an answer: refused or reset connection, a cut stream, a lost session. */
export class McpTransportError extends FastMcpError {
  override readonly name = 'McpTransportError';
  readonly failure: TransportFailure;

  constructor(failure: TransportFailure, message: string, fields: FastMcpErrorFields = {}) {
    super(message, fields);
    this.failure = failure;
  }
}

export const isMcpTransportError = (value: unknown): value is McpTransportError =>
  hasErrorName(value, 'McpTransportError');

import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** A call named a client id that is not connected and has no known server. */
export class UnknownClientError extends FastMcpError {
  override readonly name = 'UnknownClientError';

  constructor(clientId: string, fields: FastMcpErrorFields = {}) {
    super(
      `client "${clientId}" is not connected and no server is configured for it (set servers.${clientId} or baseUrl)`,
      { ...fields, clientId },
    );
  }
}

export const isUnknownClientError = (value: unknown): value is UnknownClientError =>
  hasErrorName(value, 'UnknownClientError');

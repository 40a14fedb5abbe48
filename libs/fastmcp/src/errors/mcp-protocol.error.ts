import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** The server answered the request with a JSON-RPC error, or with something that is not MCP. */
export class McpProtocolError extends FastMcpError {
  override readonly name = 'McpProtocolError';
  /** The JSON-RPC error code; -32700 when the answer could not be parsed at all. */
  readonly code: number;
  readonly data?: unknown;

  constructor(code: number, message: string, fields: FastMcpErrorFields & { data?: unknown } = {}) {
    super(`MCP error ${code}: ${message}`, fields);
    this.code = code;
    this.data = fields.data;
  }
}

export const isMcpProtocolError = (value: unknown): value is McpProtocolError =>
  hasErrorName(value, 'McpProtocolError');

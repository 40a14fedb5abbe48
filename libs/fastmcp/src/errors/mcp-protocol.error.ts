import {
  FastMcpError,
  type FastMcpErrorFields,
  hasErrorName,
  isFastMcpError,
} from './fastmcp.error.js';

/** Marks McpProtocolError and its subclasses (McpResponseTooLargeError). */
const PROTOCOL_BRAND = Symbol.for('nestjs-fastmcp.protocol-error');

/** The server answered the request with a JSON-RPC error, or with something that is not MCP. */
export class McpProtocolError extends FastMcpError {
  readonly [PROTOCOL_BRAND] = true;
  override readonly name: string = 'McpProtocolError';
  /** The JSON-RPC error code; -32700 when the answer could not be parsed at all. */
  readonly code: number;
  readonly data?: unknown;

  constructor(code: number, message: string, fields: FastMcpErrorFields & { data?: unknown } = {}) {
    super(withCodePrefix(code, message), fields);
    this.code = code;
    this.data = fields.data;
  }
}

/** Servers built on the SDKs send their own `MCP error <code>: ` text; it is not repeated. */
function withCodePrefix(code: number, message: string): string {
  const prefix = `MCP error ${code}: `;
  return message.startsWith(prefix) ? message : prefix + message;
}

/** True for McpProtocolError and its subclasses, also from another copy of the package. */
export const isMcpProtocolError = (value: unknown): value is McpProtocolError =>
  hasErrorName(value, 'McpProtocolError') || (isFastMcpError(value) && PROTOCOL_BRAND in value);

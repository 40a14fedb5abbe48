import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** The JSON-RPC error a 4xx body carried (message and data scrubbed of the request's secrets). */
export interface HttpJsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** The server answered with an HTTP status that is not a success. */
export class McpHttpError extends FastMcpError {
  override readonly name = 'McpHttpError';
  override readonly status: number;
  /** Milliseconds the server asked to wait (Retry-After), when it said so. */
  readonly retryAfterMs?: number;
  /**
   * The server's `WWW-Authenticate` challenge on a 401 or 403, as sent (the auth flow parses it).
   * Not enumerable: a server may echo the token there, and `JSON.stringify` or `inspect` of the
   * error must not show it.
   */
  declare readonly wwwAuthenticate?: string;
  /** The JSON-RPC error in the body, when the server sent one (e.g. -32022 with `data`). */
  readonly jsonRpc?: HttpJsonRpcError;
  /**
   * True when the body went on past the read limit and its end was dropped: `jsonRpc` is then
   * only what the body's opening said, and an absent one proves nothing.
   */
  readonly bodyTruncated: boolean;

  constructor(
    status: number,
    fields: FastMcpErrorFields & {
      retryAfterMs?: number;
      detail?: string;
      wwwAuthenticate?: string;
      jsonRpc?: HttpJsonRpcError;
      bodyTruncated?: boolean;
    } = {},
  ) {
    super(fields.detail ? `HTTP ${status}: ${fields.detail}` : `HTTP ${status}`, {
      ...fields,
      status,
    });
    this.status = status;
    this.retryAfterMs = fields.retryAfterMs;
    Object.defineProperty(this, 'wwwAuthenticate', {
      value: fields.wwwAuthenticate,
      enumerable: false,
    });
    this.jsonRpc = fields.jsonRpc;
    this.bodyTruncated = fields.bodyTruncated ?? false;
  }
}

export const isMcpHttpError = (value: unknown): value is McpHttpError =>
  hasErrorName(value, 'McpHttpError');

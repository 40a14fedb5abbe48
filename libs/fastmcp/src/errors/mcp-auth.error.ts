import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** No usable OAuth token could be had for a server. Never carries a token or a secret. */
export class McpAuthError extends FastMcpError {
  override readonly name = 'McpAuthError';
  /** The server's URL (without credentials). */
  readonly server: string;
  /** Why, in words safe to log: `token request failed: invalid_client`, `scope step-up limit`. */
  readonly reason: string;
  /** Another try may succeed (the protected resource metadata answered 5xx or not at all). */
  readonly transient: boolean;

  constructor(
    status: number,
    server: string,
    reason: string,
    fields: Omit<FastMcpErrorFields, 'status'> & { transient?: boolean } = {},
  ) {
    super(`authorization failed for ${server} (HTTP ${status}): ${reason}`, { ...fields, status });
    this.server = server;
    this.reason = reason;
    this.transient = fields.transient ?? false;
  }
}

export const isMcpAuthError = (value: unknown): value is McpAuthError =>
  hasErrorName(value, 'McpAuthError');

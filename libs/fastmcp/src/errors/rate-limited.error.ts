import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** The server's rate limit queue is full: the request was not sent (it fails fast). */
export class RateLimitedError extends FastMcpError {
  override readonly name = 'RateLimitedError';
  readonly server: string;

  constructor(server: string, fields: FastMcpErrorFields & { detail?: string } = {}) {
    super(`rate limited for ${server}: ${fields.detail ?? 'the queue is full'}; not sent`, {
      ...fields,
      delivery: 'not_delivered',
    });
    this.server = server;
  }
}

export const isRateLimitedError = (value: unknown): value is RateLimitedError =>
  hasErrorName(value, 'RateLimitedError');

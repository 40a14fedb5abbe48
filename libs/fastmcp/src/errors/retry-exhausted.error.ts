import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** Every attempt failed with a retryable error and no retry was left. */
export class RetryExhaustedError extends FastMcpError {
  override readonly name = 'RetryExhaustedError';
  readonly attempts: number;
  readonly totalTimeMs: number;
  readonly lastError: unknown;

  constructor(
    attempts: number,
    totalTimeMs: number,
    lastError: unknown,
    fields: FastMcpErrorFields,
  ) {
    super('max retries exceeded', { ...fields, cause: lastError });
    this.attempts = attempts;
    this.totalTimeMs = totalTimeMs;
    this.lastError = lastError;
  }
}

export const isRetryExhaustedError = (value: unknown): value is RetryExhaustedError =>
  hasErrorName(value, 'RetryExhaustedError');

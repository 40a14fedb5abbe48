import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/** The server's circuit breaker is open: the request was not sent (it fails fast). */
export class CircuitOpenError extends FastMcpError {
  override readonly name = 'CircuitOpenError';
  /** The client id whose server's circuit is open. */
  readonly server: string;
  /** When probes will be let through again (epoch ms). */
  readonly retryAt: number;

  constructor(server: string, retryAt: number, fields: FastMcpErrorFields = {}) {
    super(`circuit open for ${server}: the request was not sent`, {
      ...fields,
      delivery: 'not_delivered',
    });
    this.server = server;
    this.retryAt = retryAt;
  }
}

export const isCircuitOpenError = (value: unknown): value is CircuitOpenError =>
  hasErrorName(value, 'CircuitOpenError');

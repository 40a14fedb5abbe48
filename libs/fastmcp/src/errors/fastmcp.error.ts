import type { OperationName } from '../events/operation-name.js';
import { detachCause } from './detach-cause.js';

/**
 * Whether a failed request may have reached the server: `not_delivered` (refused, never
 * written, or refused by status) is safe to send again; `unknown` may already have run.
 */
export type Delivery = 'not_delivered' | 'unknown';

export interface FastMcpErrorFields {
  cause?: unknown;
  clientId?: string;
  operation?: OperationName;
  attempt?: number;
  status?: number;
  /** Set when the failure itself proves whether the request was delivered. */
  delivery?: Delivery;
}

const BRAND = Symbol.for('nestjs-fastmcp.error');

/** Base of every error the module throws. The brand survives two copies of the package. */
export class FastMcpError extends Error {
  readonly [BRAND] = true;
  override readonly name: string = 'FastMcpError';
  readonly clientId?: string;
  readonly operation?: OperationName;
  readonly attempt?: number;
  readonly status?: number;
  readonly delivery?: Delivery;

  constructor(message: string, fields: FastMcpErrorFields = {}) {
    // Kept, but never with an axios request config (the headers sent) inside.
    super(message, fields.cause === undefined ? undefined : { cause: detachCause(fields.cause) });
    this.clientId = fields.clientId;
    this.operation = fields.operation;
    this.attempt = fields.attempt;
    this.status = fields.status;
    this.delivery = fields.delivery;
  }
}

export function isFastMcpError(value: unknown): value is FastMcpError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

/** Guard for subclasses by name, so the check works across two copies of the package. */
export function hasErrorName<T extends FastMcpError>(value: unknown, name: string): value is T {
  return isFastMcpError(value) && value.name === name;
}

import { type Delivery, type FastMcpError, isFastMcpError } from '../errors/fastmcp.error.js';
import { withFields } from '../errors/with-fields.js';
import type { OperationName } from '../events/operation-name.js';

/**
 * `error` as the failure of `operation`'s request, never sent because what failed came before it
 * (the session's handshake): the request may be sent again whatever its repeat-safety.
 */
export function asNotDelivered(error: unknown, operation: OperationName): unknown {
  if (!isFastMcpError(error)) return error;
  if (error.delivery === 'not_delivered' && error.operation === operation) return error;
  return withDelivery(error, 'not_delivered', operation);
}

/** A copy of `error` marked with `delivery` and `operation` (see withFields). */
export function withDelivery<T extends FastMcpError>(
  error: T,
  delivery: Delivery,
  operation: OperationName,
): T {
  return withFields(error, { delivery, operation });
}

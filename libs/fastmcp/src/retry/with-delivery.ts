import { type Delivery, type FastMcpError, isFastMcpError } from '../errors/fastmcp.error.js';
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

/**
 * A copy of `error` (same prototype and fields, its message and stack) marked with `delivery`
 * and `operation`. A copy, as the original may reach other callers too (a shared handshake's).
 */
export function withDelivery<T extends FastMcpError>(
  error: T,
  delivery: Delivery,
  operation: OperationName,
): T {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as T;
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (!descriptor) continue;
    // Newer V8 makes `stack` an accessor that reads the original's hidden slot: copy its value.
    const value: unknown = 'value' in descriptor ? descriptor.value : Reflect.get(error, key);
    Object.defineProperty(copy, key, {
      value,
      writable: descriptor.writable ?? true,
      enumerable: descriptor.enumerable,
      configurable: true,
    });
  }
  for (const [key, value] of [
    ['delivery', delivery],
    ['operation', operation],
  ]) {
    Object.defineProperty(copy, key, {
      value,
      enumerable: true,
      writable: false,
      configurable: true,
    });
  }
  return copy;
}

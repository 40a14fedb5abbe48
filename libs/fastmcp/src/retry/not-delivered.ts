import { type FastMcpError, isFastMcpError } from '../errors/fastmcp.error.js';

/**
 * `error` as the failure of a request that was never sent, because what failed came before it
 * (the session's handshake): the request may be sent again whatever its repeat-safety. A copy
 * (same prototype and fields), as a shared handshake's error reaches other callers too.
 */
export function asNotDelivered(error: unknown): unknown {
  if (!isFastMcpError(error) || error.delivery === 'not_delivered') return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object) as FastMcpError;
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor) Object.defineProperty(copy, key, descriptor);
  }
  Object.defineProperty(copy, 'delivery', {
    value: 'not_delivered',
    enumerable: true,
    writable: false,
    configurable: true,
  });
  return copy;
}

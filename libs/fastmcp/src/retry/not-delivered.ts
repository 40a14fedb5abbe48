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
  Object.defineProperty(copy, 'delivery', {
    value: 'not_delivered',
    enumerable: true,
    writable: false,
    configurable: true,
  });
  return copy;
}

import type { FastMcpError, FastMcpErrorFields } from './fastmcp.error.js';

/** The fields a copy may set anew. */
export type CopiedFields = Pick<FastMcpErrorFields, 'clientId' | 'operation' | 'delivery'>;

/**
 * A copy of `error` (same prototype and fields, its message and stack) with `fields` set over its
 * own. A copy, as the original may reach other callers too (a shared handshake's).
 */
export function withFields<T extends FastMcpError>(error: T, fields: CopiedFields): T {
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
  for (const [key, value] of Object.entries(fields)) {
    Object.defineProperty(copy, key, {
      value,
      enumerable: true,
      writable: false,
      configurable: true,
    });
  }
  return copy;
}

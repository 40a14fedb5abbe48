import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { isOptionsObject, unreadableMessage } from './option-checks.js';

/**
 * After reading the options threw: the fields whose getter or Proxy trap throws, as a
 * FastMcpConfigError that keeps the thrown error as its `cause`; undefined when every field
 * reads (the error came from elsewhere). Walks plain objects and arrays only, so a class instance
 * handed in (a Redis client, an OAuth provider) is not read.
 */
export function unreadableOptionsError(
  options: unknown,
  thrown: unknown,
): FastMcpConfigError | undefined {
  const fields: string[] = [];
  findUnreadable(options, '', fields, new Set());
  if (fields.length === 0) return undefined;
  const message = unreadableMessage(thrown);
  const error = new FastMcpConfigError(fields.map((field) => ({ field, message })));
  Object.defineProperty(error, 'cause', { value: thrown, configurable: true, writable: true });
  return error;
}

function findUnreadable(value: unknown, path: string, found: string[], seen: Set<unknown>): void {
  let keys: string[];
  try {
    if (seen.has(value) || !(Array.isArray(value) || isOptionsObject(value))) return;
    seen.add(value);
    keys = Object.keys(value);
  } catch {
    found.push(path || 'options');
    return;
  }
  for (const key of keys) {
    const field = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    let child: unknown;
    try {
      child = (value as Record<string, unknown>)[key];
    } catch {
      found.push(field);
      continue;
    }
    findUnreadable(child, field, found, seen);
  }
}

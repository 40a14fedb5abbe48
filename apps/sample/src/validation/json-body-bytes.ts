import type { IncomingMessage } from 'node:http';

const BYTES = Symbol('jsonBodyBytes');
type Counted = IncomingMessage & { [BYTES]?: number };

/**
 * body-parser's `verify` hook: remembers how many bytes the JSON body had. A chunked body of
 * zero bytes is parsed as `{}`; this is how the guard tells it from a real `{}`.
 */
export function countJsonBodyBytes(
  request: IncomingMessage,
  _response: unknown,
  body: Buffer,
): void {
  (request as Counted)[BYTES] = body.length;
}

/** The size of the JSON body body-parser read, or undefined when it read none. */
export function jsonBodyBytes(request: IncomingMessage): number | undefined {
  return (request as Counted)[BYTES];
}

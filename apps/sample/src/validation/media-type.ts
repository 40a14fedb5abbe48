import type { IncomingMessage } from 'node:http';

/** The request body's media type, lower case, without parameters (`application/json`). */
export function mediaTypeOf(request: IncomingMessage): string | undefined {
  return request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
}

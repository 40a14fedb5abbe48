import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

// A Map, not an object: `constructor` or `__proto__` must not name a decoder.
const DECODERS = new Map<string, () => Readable & NodeJS.WritableStream>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

/** The body's `Content-Encoding`, lower case; undefined for none or `identity`. */
export function contentEncodingOf(request: IncomingMessage): string | undefined {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  return encoding === '' || encoding === 'identity' ? undefined : encoding;
}

/** True when `decodedBody` can read the request's encoding. */
export function isDecodable(request: IncomingMessage): boolean {
  const encoding = contentEncodingOf(request);
  return encoding === undefined || DECODERS.has(encoding);
}

/**
 * The request body as sent before compression (gzip, deflate or br), so limits count the bytes
 * that are parsed, not the compressed ones: a small bomb meets the same caps as a large body.
 */
export function decodedBody(request: IncomingMessage): Readable {
  const encoding = contentEncodingOf(request);
  const create = encoding === undefined ? undefined : DECODERS.get(encoding);
  if (create === undefined) return request;
  const decoder = create();
  request.once('error', (error) => decoder.destroy(error));
  return request.pipe(decoder);
}

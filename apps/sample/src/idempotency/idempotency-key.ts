import { createHash } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';

/** The request header (IETF draft "The Idempotency-Key HTTP Header Field"). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Printable ASCII but space, 1 to 255 characters (a UUID is the usual choice). */
const KEY = /^[\x21-\x7e]{1,255}$/;

/** The key a request sent, undefined when it sent none; a malformed or repeated one is a 400. */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header) || !KEY.test(header)) {
    throw new BadRequestException(
      'Idempotency-Key must be one header of 1 to 255 printable ASCII characters, no spaces',
    );
  }
  return header;
}

/** What makes a request the same request: the route's parameters and its body. */
export function requestFingerprint(params: unknown, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([params, body ?? null]))
    .digest('base64url');
}

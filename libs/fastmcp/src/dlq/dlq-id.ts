import { randomBytes } from 'node:crypto';

/** Crockford base32, as in ULID: sorts the same as the numbers it encodes. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/** A DLQ id: 10 chars of ms timestamp then 16 random chars, all Crockford base32 (a ULID). */
export const DLQ_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** A new unique id whose string order is its creation time order. */
export function newDlqId(nowMs: number): string {
  let time = '';
  let rest = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < TIME_CHARS; i++) {
    time = ALPHABET[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  const bytes = randomBytes(RANDOM_CHARS);
  let random = '';
  for (const byte of bytes) random += ALPHABET[byte % 32];
  return time + random;
}

export function isDlqId(value: unknown): value is string {
  return typeof value === 'string' && DLQ_ID_PATTERN.test(value);
}

/** The creation time (ms) encoded in a valid id. */
export function dlqIdTime(id: string): number {
  let ms = 0;
  for (let i = 0; i < TIME_CHARS; i++) ms = ms * 32 + ALPHABET.indexOf(id[i]);
  return ms;
}

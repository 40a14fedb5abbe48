import { randomBytes } from 'node:crypto';

/** Crockford base32, as in ULID: sorts the same as the numbers it encodes. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/** A DLQ id: 10 chars of ms timestamp then 16 random chars, all Crockford base32 (a ULID). */
export const DLQ_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/**
 * Makes DLQ ids. Within one millisecond (or if the clock steps back) it increments the random
 * part of the previous id instead of drawing a new one, so ids made here sort in creation order.
 */
export class DlqIdGenerator {
  private lastTime = -1;
  private lastTimeText = '';
  private lastRandom: number[] = [];

  next(nowMs: number): string {
    const time = Math.max(0, Math.floor(nowMs), this.lastTime);
    if (time !== this.lastTime || !increment(this.lastRandom)) this.lastRandom = randomDigits();
    if (time !== this.lastTime) this.lastTimeText = encodeTime(time);
    this.lastTime = time;
    let id = this.lastTimeText;
    for (const digit of this.lastRandom) id += ALPHABET[digit];
    return id;
  }
}

function encodeTime(ms: number): string {
  let time = '';
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i++) {
    time = ALPHABET[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  return time;
}

/** Random bytes drawn a few kilobytes at a time: one draw per id costs more than the rest of it. */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomPoolAt = 0;

function randomDigits(): number[] {
  if (randomPoolAt + RANDOM_CHARS > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomPoolAt = 0;
  }
  const digits = new Array<number>(RANDOM_CHARS);
  for (let i = 0; i < RANDOM_CHARS; i++) digits[i] = randomPool[randomPoolAt++] % 32;
  return digits;
}

/** Adds one to base-32 digits in place; false on overflow. */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < 31) {
      digits[i]++;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

/** The least id a millisecond can hold: every id of an earlier ms sorts below it. */
export function firstDlqIdAt(ms: number): string {
  return encodeTime(ms) + ALPHABET[0].repeat(RANDOM_CHARS);
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

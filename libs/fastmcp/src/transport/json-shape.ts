const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * An answer may hold one object or array per this many bytes of its `maxResponseBytes`. Each
 * costs ~64 bytes once parsed, so without a bound 32 MiB of `[{},{},…]` became 11 million
 * objects, 715 MB of heap and 8.6 s of blocked event loop.
 */
export const BYTES_PER_CONTAINER = 32;

/**
 * An answer may hold one value (a number, a string, a member, an object...) per this many bytes
 * of its `maxResponseBytes`. Without it 32 MiB of `[0,0,…]` became 16.7 million numbers: 160 MB
 * of heap and 2.3 s of blocked event loop. Real data is sparser: a float array such as
 * `[0.0123,…]` takes about 7 bytes a value, so it fits until the answer nears the cap.
 */
export const BYTES_PER_VALUE = 8;

export type JsonShapeLimit = 'containers' | 'values';

export type JsonShapeLimits = Record<JsonShapeLimit, number>;

/** The bounds an answer of at most `maxBytes` has. */
export function jsonShapeLimits(maxBytes: number): JsonShapeLimits {
  return {
    containers: Math.floor(maxBytes / BYTES_PER_CONTAINER),
    values: Math.floor(maxBytes / BYTES_PER_VALUE),
  };
}

/**
 * The bound `text` passes, if any: more objects and arrays than `limits.containers`, or more
 * values than `limits.values` (counted as the commas and the containers). Nothing inside strings
 * counts; text that is not JSON is left to the parser.
 */
export function jsonShapeOver(text: string, limits: JsonShapeLimits): JsonShapeLimit | undefined {
  // Each container or value takes at least one character: a shorter text cannot pass.
  if (text.length <= Math.min(limits.containers, limits.values)) return undefined;
  let containers = 0;
  let values = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return undefined;
    } else if (c === COMMA) {
      if (++values > limits.values) return 'values';
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++containers > limits.containers) return 'containers';
      if (++values > limits.values) return 'values';
    }
  }
  return undefined;
}

/** The index of the quote that closes the string opened at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end > 0 && escaped(text, end)) end = text.indexOf('"', end + 1);
  return end;
}

/** True when an odd run of backslashes precedes `at`. */
function escaped(text: string, at: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes += 1;
  return backslashes % 2 === 1;
}

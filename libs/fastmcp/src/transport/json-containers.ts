const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * An answer may hold one object or array per this many bytes of its `maxResponseBytes`: about
 * twice its bytes in heap. Each costs ~64 bytes once parsed, so without a bound 32 MiB of
 * `[{},{},…]` became 11 million objects, 715 MB of heap and 8.6 s of blocked event loop.
 */
export const BYTES_PER_CONTAINER = 32;

/** True when `text` opens more than `limit` objects and arrays (text in strings not counted). */
export function jsonContainersOver(text: string, limit: number): boolean {
  // Every object or array takes at least one character: a shorter text cannot pass.
  if (text.length <= limit) return false;
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return false; // not JSON: the parser says so
    } else if ((c === OPEN_BRACE || c === OPEN_BRACKET) && ++count > limit) {
      return true;
    }
  }
  return false;
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

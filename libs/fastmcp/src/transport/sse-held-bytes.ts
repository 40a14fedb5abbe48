const LF = 0x0a;
const CR = 0x0d;
/** Two line ends in a row: the second ends a blank line. `\r\n` alone is one line end. */
const BLANK_LINE_ENDS = ['\n\n', '\n\r', '\r\r'].map((pair) => Buffer.from(pair));

/**
 * The bytes of an SSE `chunk` after its last blank line, or undefined when no blank line ends in
 * it. A blank line is where an SSE parser dispatches the event and lets go of all it held; until
 * then it holds every field line of the event, across comments and chunks. `before` is the byte
 * that came before the chunk. The blank line's last byte counts as after it: a parser may wait
 * for the byte that follows a CR.
 */
export function bytesAfterBlankLine(chunk: Buffer, before: number | undefined): number | undefined {
  let end = -1;
  for (const pair of BLANK_LINE_ENDS) {
    const at = chunk.lastIndexOf(pair);
    if (at >= 0) end = Math.max(end, at + 1);
  }
  if (end < 0 && endsBlankLine(before, chunk[0])) end = 0;
  return end < 0 ? undefined : chunk.length - end;
}

function endsBlankLine(first: number | undefined, second: number | undefined): boolean {
  const lineEnd = (byte: number | undefined): boolean => byte === LF || byte === CR;
  return lineEnd(first) && lineEnd(second) && !(first === CR && second === LF);
}

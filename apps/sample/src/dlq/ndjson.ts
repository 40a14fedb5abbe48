import type { Readable } from 'node:stream';
import { NdjsonLineNumbers } from './ndjson-line-numbers.js';

/** The caps of one NDJSON body, in bytes. */
export interface NdjsonLimits {
  /** The whole body. */
  maxBytes: number;
  /** One line, without its newline. */
  maxLineBytes: number;
}

const NEWLINE = 0x0a;

/**
 * The values of an NDJSON stream, one per non-empty line; a line that is not JSON is yielded
 * as its text (the importer reports it). Bytes are counted as they arrive, so a body or a line
 * past its cap throws a RangeError before more of it is read. The stream is never destroyed, so
 * the caller can still answer on its socket. `lines` hears which line each value came from.
 */
export async function* ndjsonLines(
  body: Readable,
  limits: NdjsonLimits,
  lines = new NdjsonLineNumbers(),
): AsyncGenerator<unknown> {
  let total = 0;
  let lineNumber = 1;
  let line: Buffer[] = [];
  let lineBytes = 0;
  const append = (part: Buffer): void => {
    lineBytes += part.length;
    if (lineBytes > limits.maxLineBytes) {
      throw new RangeError(`import line ${lineNumber} over ${limits.maxLineBytes} bytes`);
    }
    line.push(part);
  };
  const takeLine = (): string => {
    const text = Buffer.concat(line).toString('utf8');
    line = [];
    lineBytes = 0;
    lineNumber++;
    return text;
  };
  try {
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limits.maxBytes) {
        throw new RangeError(`import body over ${limits.maxBytes} bytes`);
      }
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        if (lineBytes === 0 && isBlank(chunk, start, end)) {
          // An empty or blank line: nothing to copy or parse (64 MiB of them must not cost a minute).
          lineNumber++;
          lines.blankSkipped();
        } else {
          append(chunk.subarray(start, end));
          yield* valueOf(takeLine(), lines);
        }
        start = end + 1;
      }
      append(chunk.subarray(start));
    }
  } finally {
    body.pause();
  }
  yield* valueOf(takeLine(), lines);
}

/** True when `chunk[start, end)` holds only spaces, tabs and carriage returns (or nothing). */
function isBlank(chunk: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = chunk[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

function* valueOf(text: string, lines: NdjsonLineNumbers): Generator<unknown> {
  if (text.trim() === '') {
    lines.blankSkipped();
    return;
  }
  lines.valueYielded();
  yield parsed(text);
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * The values of an NDJSON stream, one per non-empty line; a line that is not JSON is yielded
 * as its text (the importer reports it). Throws RangeError past `maxBytes`.
 */
export async function* ndjsonLines(body: Readable, maxBytes: number): AsyncGenerator<unknown> {
  let bytes = 0;
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  for await (const line of lines) {
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > maxBytes) {
      body.destroy();
      throw new RangeError(`import body over ${maxBytes} bytes`);
    }
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as unknown;
    } catch {
      yield line;
    }
  }
}

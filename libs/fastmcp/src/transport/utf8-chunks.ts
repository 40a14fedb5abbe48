import { TextDecoder } from 'node:util';

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Decodes a stream's chunks as UTF-8, a character split across chunks decoded whole once its
 * last byte arrives, a leading byte-order mark dropped (as `TextDecoder` does). Most answers
 * come in whole characters: those are decoded by `toString`, and a `TextDecoder` (whose making
 * costs a few microseconds on Node 20) is made only once a chunk ends inside a character.
 */
export class Utf8Chunks {
  private decoder?: TextDecoder;
  private first = true;

  decode(chunk: Buffer): string {
    const first = this.first;
    this.first = false;
    if (!this.decoder && !(first && startsWithBom(chunk)) && !endsInsideCharacter(chunk)) {
      return chunk.toString('utf8');
    }
    this.decoder ??= new TextDecoder();
    return this.decoder.decode(chunk, { stream: true });
  }
}

function startsWithBom(chunk: Buffer): boolean {
  // A chunk shorter than the mark may be its start: the decoder then decides.
  return BOM.every((byte, i) => i >= chunk.length || chunk[i] === byte);
}

/** Whether the last character of `chunk` needs bytes that have not come yet. */
function endsInsideCharacter(chunk: Buffer): boolean {
  for (let back = 1; back <= 3 && back <= chunk.length; back += 1) {
    const byte = chunk[chunk.length - back];
    if (byte < 0x80) return false;
    if (byte >= 0xc0) return sequenceLength(byte) > back;
  }
  return false;
}

/** The bytes a character takes, from its lead byte. */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  return lead >= 0xe0 ? 3 : 2;
}

import { describe, expect, it } from 'vitest';
import { Utf8Chunks } from './utf8-chunks.js';

const TEXT = 'data: {"text":"é ₪ 😀 ok"}\n\n';

function decodeAll(chunks: Buffer[]): string {
  const decoder = new Utf8Chunks();
  return chunks.map((chunk) => decoder.decode(chunk)).join('');
}

describe('Utf8Chunks', () => {
  it('decodes a character split at any byte across two or three chunks', () => {
    const bytes = Buffer.from(TEXT);
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      expect(decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(TEXT);
      for (let second = cut; second <= bytes.length; second += 1) {
        const chunks = [
          bytes.subarray(0, cut),
          bytes.subarray(cut, second),
          bytes.subarray(second),
        ];
        expect(decodeAll(chunks)).toBe(TEXT);
      }
    }
  });

  it('drops a byte-order mark at the start, also split, and keeps one later on', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const body = Buffer.from(TEXT);
    expect(decodeAll([Buffer.concat([bom, body])])).toBe(TEXT);
    expect(decodeAll([bom.subarray(0, 1), Buffer.concat([bom.subarray(1), body])])).toBe(TEXT);
    expect(decodeAll([body, Buffer.concat([bom, body])])).toBe(`${TEXT}\uFEFF${TEXT}`);
  });

  it('replaces invalid bytes as TextDecoder does', () => {
    const bytes = Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0x63, 0xe2, 0x82]);
    // A character still unfinished at the end is held back, as a streaming TextDecoder holds it.
    const expected = new TextDecoder().decode(bytes, { stream: true });
    expect(expected).toBe('a\uFFFDb\uFFFD(c');
    expect(decodeAll([bytes.subarray(0, 4), bytes.subarray(4)])).toBe(expected);
    expect(decodeAll([bytes.subarray(0, 2), bytes.subarray(2)])).toBe(expected);
    expect(decodeAll([bytes])).toBe(expected);
  });
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBodyText } from './read-body.js';

const chunked = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

describe('readBodyText', () => {
  it('reads a body up to the limit whole, not cut', async () => {
    await expect(readBodyText(chunked('abc', 'def'), 6)).resolves.toEqual({
      text: 'abcdef',
      cut: false,
    });
  });

  it('marks a body that went on past the limit as cut, keeping its first bytes', async () => {
    await expect(readBodyText(chunked('abc', 'def', 'g'), 6)).resolves.toEqual({
      text: 'abcdef',
      cut: true,
    });
    await expect(readBodyText(chunked('abcdefgh'), 4)).resolves.toEqual({
      text: 'abcd',
      cut: true,
    });
  });

  it('counts bytes, not characters', async () => {
    const read = await readBodyText(chunked('ééé'), 4);
    expect(read).toEqual({ text: 'éé', cut: true });
  });
});

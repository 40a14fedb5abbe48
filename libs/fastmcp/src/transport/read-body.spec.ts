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

describe('readBodyText past its limit', () => {
  /** An endless body of 1 KiB chunks, counting the chunks taken out of it. */
  function endless() {
    let taken = 0;
    const stream = Readable.from(
      (function* () {
        for (;;) {
          taken += 1;
          yield Buffer.alloc(1024, 'a');
        }
      })(),
    );
    return { stream, taken: () => taken };
  }

  it('stops at the first chunk past the limit and destroys the stream, the rest never read', async () => {
    const { stream, taken } = endless();
    const read = await readBodyText(stream, 4096);
    expect(read).toEqual({ text: 'a'.repeat(4096), cut: true });
    expect(stream.destroyed).toBe(true);
    // The readable buffer may hold a few chunks more (16 KiB), never the endless rest.
    expect(taken()).toBeLessThan(64);
  });

  it('fails with the reason, the stream destroyed, when the signal aborts', async () => {
    const stream = new Readable({ read: () => undefined });
    stream.push('{"error":');
    const controller = new AbortController();
    const reading = readBodyText(stream, 4096, controller.signal);
    const reason = new Error('the attempt timed out');
    controller.abort(reason);
    await expect(reading).rejects.toBe(reason);
    expect(stream.destroyed).toBe(true);
  });

  it('fails at once on a signal already aborted', async () => {
    const stream = new Readable({ read: () => undefined });
    const reason = new Error('the caller aborted');
    await expect(readBodyText(stream, 4096, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(stream.destroyed).toBe(true);
  });
});

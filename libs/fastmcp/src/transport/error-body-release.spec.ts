import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { releaseErrorBody } from './error-body-release.js';
import { ERROR_BODY_LIMIT } from './read-body.js';

const closed = (stream: Readable) => new Promise((resolve) => stream.once('close', resolve));

describe('releaseErrorBody', () => {
  it('drains a short body to its end (its socket stays reusable)', async () => {
    const stream = Readable.from([Buffer.from('busy')]);
    const done = closed(stream);
    releaseErrorBody(stream);
    await done;
    expect(stream.readableEnded).toBe(true);
  });

  it('destroys a body past ERROR_BODY_LIMIT bytes, the rest never read', async () => {
    let taken = 0;
    const stream = Readable.from(
      (function* () {
        for (;;) {
          taken += 1;
          yield Buffer.alloc(1024);
        }
      })(),
    );
    const done = closed(stream);
    releaseErrorBody(stream);
    await done;
    expect(stream.readableEnded).toBe(false);
    expect(taken * 1024).toBeGreaterThan(ERROR_BODY_LIMIT);
    expect(taken * 1024).toBeLessThan(ERROR_BODY_LIMIT + 64 * 1024);
  });

  it('leaves a body already over alone', () => {
    const stream = Readable.from([]);
    stream.destroy();
    expect(() => releaseErrorBody(stream)).not.toThrow();
    expect(releaseErrorBody(undefined)).toBeUndefined();
  });
});

import { getEventListeners } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { decodedBody } from './decoded-body.js';

const MIB = 1024 * 1024;
const ZEROS = Buffer.alloc(8 * MIB);
const COMPRESSED = {
  br: brotliCompressSync(ZEROS),
  gzip: gzipSync(ZEROS),
  deflate: deflateSync(ZEROS),
};

function answer(encoding: string | undefined, body: Buffer, signal?: AbortSignal) {
  const headers: IncomingHttpHeaders = encoding ? { 'content-encoding': encoding } : {};
  const raw = Readable.from([body]);
  const config = { signal } as InternalAxiosRequestConfig;
  return { raw, headers, config, head: { status: 200, statusText: 'OK', headers, body: raw } };
}

describe('decodedBody', () => {
  it.each(Object.keys(COMPRESSED) as Array<keyof typeof COMPRESSED>)(
    'decodes %s and drops its content-encoding',
    async (encoding) => {
      const { config, head, headers } = answer(encoding, COMPRESSED[encoding]);
      let decoded = 0;
      for await (const chunk of decodedBody(config, head)) decoded += (chunk as Buffer).length;
      expect(decoded).toBe(ZEROS.length);
      expect(headers['content-encoding']).toBeUndefined();
    },
  );

  it('hands over a body that is not compressed as it is', () => {
    const { config, head, raw } = answer(undefined, Buffer.from('{}'));
    expect(decodedBody(config, head)).toBe(raw);
  });

  it.each(Object.keys(COMPRESSED) as Array<keyof typeof COMPRESSED>)(
    'stops decoding %s when the signal aborts, though the raw body is over',
    async (encoding) => {
      const controller = new AbortController();
      const { config, head, raw } = answer(encoding, COMPRESSED[encoding], controller.signal);
      const body = decodedBody(config, head);
      const reason = new Error('the attempt timed out');
      let decoded = 0;
      const reading = (async () => {
        for await (const chunk of body) {
          decoded += (chunk as Buffer).length;
          if (decoded >= MIB) {
            expect(raw.readableEnded).toBe(true);
            controller.abort(reason);
          }
        }
      })();
      await expect(reading).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
      expect(decoded).toBeLessThan(MIB + 64 * 1024);
      expect(body.destroyed).toBe(true);
    },
  );

  it('lets go of the signal once the decoder closes', async () => {
    const controller = new AbortController();
    const { config, head } = answer('gzip', gzipSync('{}'), controller.signal);
    const body = decodedBody(config, head);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for await (const chunk of body) void chunk;
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('destroys the decoder at once, without an error nobody may hear, on a signal already aborted', async () => {
    const { config, head, raw } = answer('br', COMPRESSED.br, AbortSignal.abort());
    const body = decodedBody(config, head);
    expect(body.destroyed).toBe(true);
    expect(body.errored).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw.destroyed).toBe(true);
  });
});

// Compressed answers that expand far past what is read, through each adapter the transport may
// use (the module's undici and node:http adapters, and axios's own http adapter), against a real
// server on 127.0.0.1. The decoded bytes a reader takes out are counted: an error body stops at
// 64 KiB of them, and an abort stops a decoder whose few compressed bytes are all in.
import { Agent } from 'node:http';
import type { Readable } from 'node:stream';
import axios, { type AxiosAdapter, type AxiosInstance, isAxiosError } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseErrorBody } from '../../libs/fastmcp/src/transport/error-body-release.js';
import { leanHttpAdapter } from '../../libs/fastmcp/src/transport/lean-http.adapter.js';
import { OriginPools } from '../../libs/fastmcp/src/transport/origin-pools.js';
import { ERROR_BODY_LIMIT, readBodyText } from '../../libs/fastmcp/src/transport/read-body.js';
import { undiciAdapter } from '../../libs/fastmcp/src/transport/undici.adapter.js';
import { type BombEncoding, compressedZeros, sendCompressed } from '../support/compressed-bomb.js';
import { type LoopbackServer, serveOnLoopback } from '../support/loopback-server.js';

const MIB = 1024 * 1024;
/** 8 MiB of zeros: at most about 8 KB on the wire, all of it in before much is decoded. */
const BOMB_MIB = 8;
/** What a reader may take beyond a limit: the chunks already on their way (16 KiB each). */
const CHUNK_SLACK = 256 * 1024;
const ENCODINGS: BombEncoding[] = ['br', 'gzip', 'deflate'];

/** The decoded bytes taken out of `stream` from now on ('data' is emitted for every read). */
function countDecoded(stream: Readable): () => number {
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
  return () => bytes;
}

/** The body of a refused status, as the error converter gets it. */
async function errorBody(http: AxiosInstance, url: string): Promise<Readable> {
  const error = await http.get(url, { responseType: 'stream' }).catch((e: unknown) => e);
  if (!isAxiosError(error) || !error.response) throw new Error(`expected a refused status: ${url}`);
  expect(error.response.status).toBe(400);
  return error.response.data as Readable;
}

describe('compressed bodies through each adapter', () => {
  let server: LoopbackServer;
  let base: string;
  const bombs = new Map<string, Buffer>();
  const agent = new Agent({ keepAlive: true });
  const pools = new OriginPools();
  const notExpected: AxiosAdapter = (config) =>
    Promise.reject(new Error(`fell back for ${String(config.url)}`));
  const client = (adapter: AxiosAdapter): AxiosInstance =>
    axios.create({ adapter, httpAgent: agent, maxRedirects: 0 });
  const adapters: Array<[string, AxiosInstance]> = [
    ['undici', client(undiciAdapter(pools, agent, notExpected))],
    ['node:http', client(leanHttpAdapter(notExpected))],
    ["axios's http", client(axios.getAdapter('http'))],
  ];

  beforeAll(async () => {
    for (const encoding of ENCODINGS) {
      bombs.set(encoding, await compressedZeros(encoding, BOMB_MIB));
    }
    // GET /<status>/<encoding>
    server = await serveOnLoopback((req, res) => {
      const [, status, encoding] = (req.url ?? '').split('/');
      sendCompressed(res, Number(status), encoding as BombEncoding, bombs.get(encoding) as Buffer);
      return Promise.resolve();
    });
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    agent.destroy();
    await pools.close();
    await server.close();
  });

  describe.each(adapters)('%s adapter', (_name, http) => {
    it.each(ENCODINGS)(
      'reads a %s error body to 64 KiB of decoded bytes, then destroys it',
      async (encoding) => {
        const body = await errorBody(http, `${base}/400/${encoding}`);
        const reading = readBodyText(body, ERROR_BODY_LIMIT);
        // Counted once the reader reads: the listener does not set the stream flowing.
        const decoded = countDecoded(body);
        const read = await reading;
        expect(read.cut).toBe(true);
        expect(read.text).toHaveLength(ERROR_BODY_LIMIT);
        expect(body.destroyed).toBe(true);
        expect(decoded()).toBeGreaterThan(ERROR_BODY_LIMIT);
        expect(decoded()).toBeLessThan(ERROR_BODY_LIMIT + CHUNK_SLACK);
      },
    );

    it.each(ENCODINGS)(
      'lets a %s error body go after 64 KiB of decoded bytes, not drained to its end',
      async (encoding) => {
        const body = await errorBody(http, `${base}/400/${encoding}`);
        const decoded = countDecoded(body);
        const closed = new Promise((resolve) => body.once('close', resolve));
        releaseErrorBody(body);
        await closed;
        expect(body.readableEnded).toBe(false);
        expect(decoded()).toBeLessThan(ERROR_BODY_LIMIT + CHUNK_SLACK);
      },
    );

    it.each(ENCODINGS)(
      'stops decoding a %s answer when its signal aborts, its raw body long over',
      async (encoding) => {
        const controller = new AbortController();
        const response = await http.get<Readable>(`${base}/200/${encoding}`, {
          responseType: 'stream',
          signal: controller.signal,
        });
        let decoded = 0;
        const reading = (async () => {
          for await (const chunk of response.data) {
            decoded += (chunk as Buffer).length;
            // A few KB of compressed bytes: they were all in long before the first MiB came out.
            if (decoded >= MIB) controller.abort(new Error('the attempt timed out'));
          }
        })();
        await expect(reading).rejects.toThrow();
        expect(decoded).toBeLessThan(MIB + CHUNK_SLACK);
        expect(response.data.destroyed).toBe(true);
      },
    );
  });
});

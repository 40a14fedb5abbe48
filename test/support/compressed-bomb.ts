import type { ServerResponse } from 'node:http';
import { Readable, type Transform } from 'node:stream';
import { constants, createBrotliCompress, createDeflate, createGzip } from 'node:zlib';

/** The encodings the client decompresses. */
export type BombEncoding = 'br' | 'gzip' | 'deflate';

const MIB = 1024 * 1024;
/** gzip packs at most about 1,000:1: a larger bomb repeats one member of this size. */
const GZIP_MEMBER_MIB = 64;

/**
 * `mib` MiB of zeros compressed as `encoding` with zlib streams, small on the wire: Brotli packs a
 * GiB into about a kilobyte, gzip and deflate into about a megabyte. A gzip bomb is one member of
 * at most 64 MiB repeated (a gzip body may hold several members; decoders read them all).
 */
export async function compressedZeros(encoding: BombEncoding, mib: number): Promise<Buffer> {
  if (encoding !== 'gzip') return compressZeros(compressor(encoding), mib);
  const member = await compressZeros(compressor('gzip'), Math.min(mib, GZIP_MEMBER_MIB));
  const members = Math.ceil(mib / GZIP_MEMBER_MIB);
  return Buffer.concat(Array.from({ length: members }, () => member));
}

/** Answers with `status` and a compressed body, as a hostile server would. */
export function sendCompressed(
  res: ServerResponse,
  status: number,
  encoding: BombEncoding,
  body: Buffer,
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': encoding });
  res.end(body);
}

/**
 * Answers with `status` and `source` compressed as it comes, each chunk flushed to the wire, as
 * fast as the client reads. The answer never ends on its own: the promise settles when the
 * client closes the connection.
 */
export function sendCompressedStream(
  res: ServerResponse,
  status: number,
  encoding: BombEncoding,
  source: Readable,
): Promise<void> {
  res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': encoding });
  const compressing = compressor(encoding, true);
  source.pipe(compressing).pipe(res);
  return new Promise((resolve) => {
    res.once('close', () => {
      source.destroy();
      compressing.destroy();
      resolve();
    });
  });
}

/** Zeros without end, 1 MiB a chunk, as fast as they are read. */
export function endlessZeros(): Readable {
  const zeros = Buffer.alloc(MIB);
  return new Readable({
    read(): void {
      this.push(zeros);
    },
  });
}

/** `text` every `everyMs`, without end. */
export function trickle(text: string, everyMs: number): Readable {
  const stream = new Readable({ read: () => undefined });
  const timer = setInterval(() => stream.push(text), everyMs);
  stream.once('close', () => clearInterval(timer));
  return stream;
}

function compressor(encoding: BombEncoding, flushEach = false): Transform {
  if (encoding === 'br') {
    return createBrotliCompress({
      params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_LGWIN]: 24 },
      ...(flushEach ? { flush: constants.BROTLI_OPERATION_FLUSH } : {}),
    });
  }
  const options = { level: 9, ...(flushEach ? { flush: constants.Z_SYNC_FLUSH } : {}) };
  return encoding === 'gzip' ? createGzip(options) : createDeflate(options);
}

async function compressZeros(compressing: Transform, mib: number): Promise<Buffer> {
  const out: Buffer[] = [];
  compressing.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve, reject) => {
    compressing.once('end', resolve);
    compressing.once('error', reject);
  });
  const zeros = Buffer.alloc(MIB);
  for (let i = 0; i < mib; i += 1) {
    if (!compressing.write(zeros)) {
      await new Promise((resolve) => compressing.once('drain', resolve));
    }
  }
  compressing.end();
  await ended;
  return Buffer.concat(out);
}

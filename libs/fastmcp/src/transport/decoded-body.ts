import type { Readable } from 'node:stream';
import { createBrotliDecompress, createUnzip } from 'node:zlib';
import type { InternalAxiosRequestConfig } from 'axios';
import type { Abortable } from '../retry/abort-handle.js';
import type { AnswerHead } from './adapter-answer.js';
import { abortOf } from './attempt-abort.js';

/**
 * The body of an answer, decompressed when the server compressed it (as axios's adapter does).
 * The decoder is tied to the request's abort for as long as it lives: a few compressed bytes
 * can expand to gigabytes long after the raw body has ended (and the adapter let go of the
 * abort), so an abort (the attempt's timeout, the caller's) destroys the decoder itself.
 */
export function decodedBody(config: InternalAxiosRequestConfig, head: AnswerHead): Readable {
  const { body, headers } = head;
  const encoding = headers['content-encoding']?.toLowerCase();
  if (!encoding || config.decompress === false || head.status === 204) return body;
  const decoder = ['gzip', 'x-gzip', 'deflate'].includes(encoding)
    ? createUnzip()
    : encoding === 'br'
      ? createBrotliDecompress()
      : undefined;
  if (!decoder) return body;
  delete headers['content-encoding'];
  body.once('error', (error) => decoder.destroy(error));
  decoder.once('close', () => body.destroy());
  stopOnAbort(decoder, abortOf(config));
  return body.pipe(decoder);
}

/**
 * Destroys `stream` when `signal` aborts, until the stream closes. Closed, not errored: nobody
 * may be reading it (an error with no listener would end the process); a reader sees a premature
 * close, which its own signal explains.
 */
function stopOnAbort(stream: Readable, signal: Abortable | undefined): void {
  if (!signal) return;
  const onAbort = (): void => {
    stream.destroy();
  };
  if (signal.aborted) {
    onAbort();
    return;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  stream.once('close', () => signal.removeEventListener('abort', onAbort));
}

import type { Readable } from 'node:stream';
import type { Abortable } from '../retry/abort-handle.js';
import type { AnswerMeter } from './answer-meter.js';

/** How much of an error body is read: enough for a JSON-RPC error with its `data`, still bounded. */
export const ERROR_BODY_LIMIT = 64 * 1024;

/** A body read up to a limit; `cut` when it went on past the limit (those bytes were dropped). */
export interface BodyText {
  text: string;
  cut: boolean;
}

/**
 * Reads a response stream as text, up to `limit` bytes as they come out of it (decoded, when the
 * server compressed them). The stream is destroyed once a chunk goes past the limit: the rest is
 * never read, so a few compressed bytes that expand to gigabytes cost only what the limit keeps.
 * It is destroyed with the signal's reason, and the read fails, when `signal` aborts.
 */
export async function readBodyText(
  stream: Readable,
  limit: number,
  signal?: Abortable,
): Promise<BodyText> {
  const onAbort = (): void => {
    stream.destroy(signal?.reason instanceof Error ? signal.reason : undefined);
  };
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer.subarray(0, limit - size));
      size += buffer.length;
      if (size > limit) {
        stream.destroy();
        break;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), cut: size > limit };
}

/**
 * Reads a response stream as text, counting each chunk on `meter`. Past its limits the meter's
 * McpResponseTooLargeError is thrown and the stream (its socket with it) destroyed.
 */
export async function readMeteredText(stream: Readable, meter: AnswerMeter): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    meter.add(buffer.length);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

import type { Readable } from 'node:stream';
import type { AnswerMeter } from './answer-meter.js';

/** Reads a response stream as text, up to `limit` bytes (the rest is discarded). */
export async function readBodyText(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    if (size < limit) chunks.push(buffer.subarray(0, limit - size));
    size += buffer.length;
  }
  return Buffer.concat(chunks).toString('utf8');
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

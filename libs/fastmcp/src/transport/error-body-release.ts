import type { Readable } from 'node:stream';
import { ERROR_BODY_LIMIT } from './read-body.js';
import { releaseStream } from './release-stream.js';

/**
 * Lets go of an error body that is not read: drained (the keep-alive socket stays reusable) while
 * it stays within ERROR_BODY_LIMIT decoded bytes, destroyed past them, so a compressed body that
 * expands to gigabytes is not decompressed only to be thrown away.
 */
export function releaseErrorBody(stream: Readable | undefined): void {
  if (!stream || stream.destroyed || stream.readableEnded) return;
  let size = 0;
  stream.on('data', (chunk: Buffer | string) => {
    size += chunk.length;
    if (size > ERROR_BODY_LIMIT) stream.destroy();
  });
  releaseStream(stream);
}

import type { Readable } from 'node:stream';

const DRAIN_LIMIT_MS = 1000;

/**
 * Lets go of a response body we no longer need. Draining it to its end keeps the keep-alive
 * socket reusable; a body that does not end soon is destroyed (and its socket with it).
 */
export function releaseStream(stream: Readable | undefined): void {
  if (!stream || stream.destroyed || stream.readableEnded) return;
  const timer = setTimeout(() => stream.destroy(), DRAIN_LIMIT_MS);
  timer.unref();
  stream.once('close', () => clearTimeout(timer));
  stream.once('end', () => clearTimeout(timer));
  stream.on('error', () => clearTimeout(timer));
  stream.resume();
}

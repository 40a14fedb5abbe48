import type { ServerResponse } from 'node:http';

/** How an endless answer ended, seen from the server. */
export interface EndlessOutcome {
  /** Bytes written after the headers. */
  sent: number;
  /** True when the client closed the connection before the server reached its own limit. */
  hungUp: boolean;
}

export interface EndlessAnswer {
  contentType: string;
  /** Written once, first (e.g. `data: `). */
  prefix: string;
  /** Written again and again (e.g. 64 KiB without a newline). */
  unit: Buffer;
  /** The server stops by itself here, so a client that never hangs up still ends. */
  maxBytes: number;
}

/**
 * Sends an answer that would never end if the server did not stop at `maxBytes`; honours
 * back-pressure, so it sends only as fast as the client reads.
 */
export async function streamEndless(
  res: ServerResponse,
  answer: EndlessAnswer,
): Promise<EndlessOutcome> {
  res.writeHead(200, { 'content-type': answer.contentType });
  let closed = false;
  let wake: (() => void) | undefined;
  res.once('close', () => {
    closed = true;
    wake?.();
  });
  res.on('drain', () => wake?.());
  let sent = Buffer.byteLength(answer.prefix);
  res.write(answer.prefix);
  while (sent < answer.maxBytes && !closed) {
    sent += answer.unit.length;
    if (!res.write(answer.unit)) await new Promise<void>((resolve) => (wake = resolve));
  }
  const hungUp = closed;
  res.end();
  return { sent, hungUp };
}

/** `length` bytes of `x` lines of `lineBytes` each (newline included), never a blank line. */
export function dataLines(length: number, lineBytes = 1024): Buffer {
  const line = `data: ${'x'.repeat(lineBytes - 7)}\n`;
  return Buffer.from(line.repeat(Math.ceil(length / lineBytes)).slice(0, length));
}

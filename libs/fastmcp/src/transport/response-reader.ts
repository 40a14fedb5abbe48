import type { Readable } from 'node:stream';
import type { AxiosResponse } from 'axios';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';
import type { Abortable } from '../retry/abort-handle.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import type { AnswerMeter } from './answer-meter.js';
import { matchResponse, parseMessages, type RequestId } from './jsonrpc.js';
import { MessagePacer } from './message-batch.pacer.js';
import { readMeteredText } from './read-body.js';
import type { UpstreamText } from './upstream-text.js';
import { type MessageSink, readSseResponse, type SseCursor } from './sse-response.reader.js';

/**
 * The result of the response to `id`, read from a JSON answer or an SSE stream, its bytes
 * counted on `meter`. The stream is destroyed when `signal` aborts (the attempt's timeout or the
 * caller's abort), or when the answer is too large. Its other messages go to `sink`, the event
 * loop let run every few of them: an abort meanwhile ends the read with the signal's reason.
 * `upstream` scrubs a JSON-RPC error's text.
 */
export async function readResponse(
  response: AxiosResponse<Readable>,
  id: RequestId | undefined,
  sink: MessageSink,
  cursor: SseCursor,
  meter: AnswerMeter,
  signal: Abortable | undefined,
  upstream?: UpstreamText,
): Promise<Record<string, unknown>> {
  const stream = response.data;
  const onAbort = (): void => {
    stream.destroy(signal?.reason instanceof Error ? signal.reason : undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (isEventStream(response.headers['content-type'])) {
      return await readSseResponse(stream, id, sink, cursor, meter, signal, upstream);
    }
    const text = await readMeteredText(stream, meter).catch((error: unknown) => {
      if (isMcpResponseTooLargeError(error)) throw error;
      throw new McpTransportError('stream_cut', 'response body broke before it ended', {
        cause: error,
      });
    });
    const pacer = new MessagePacer(signal);
    for (const message of parseMessages(text, meter.maxBytes)) {
      const match = id === undefined ? undefined : matchResponse(message, id, upstream);
      if (match) return match.result;
      sink(message);
      if (pacer.due()) await pacer.yield();
    }
    throw new McpProtocolError(-32603, `no response with id ${String(id)} in the answer`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Whether a Content-Type names an SSE stream (media types are case-insensitive: RFC 9110). */
export function isEventStream(contentType: unknown): boolean {
  return headerValue(contentType)?.toLowerCase().includes('text/event-stream') ?? false;
}

export function headerValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return headerValue(value[0]);
  return typeof value === 'string' ? value : undefined;
}

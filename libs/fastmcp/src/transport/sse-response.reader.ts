import type { Readable } from 'node:stream';
import { createParser } from 'eventsource-parser';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isMcpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import type { AnswerMeter } from './answer-meter.js';
import { matchResponse, parseMessages, type RequestId } from './jsonrpc.js';
import { releaseStream } from './release-stream.js';
import { bytesAfterBlankLine } from './sse-held-bytes.js';
import type { UpstreamText } from './upstream-text.js';

/** Where a stream stands for resumption: the last event id seen and the server's `retry`. */
export interface SseCursor {
  lastEventId?: string;
  retryMs?: number;
}

/** Receives every message of the stream that is not the awaited response. */
export type MessageSink = (message: JSONRPCMessage) => void;

/**
 * Reads an SSE stream until the JSON-RPC response to `id` arrives, then stops reading.
 * Server requests and notifications go to `sink`; events with empty data (priming events) and
 * `:` comments only move the cursor. A stream that ends or breaks first is a `stream_cut`;
 * `cursor` then tells whether it can be resumed. Its bytes are counted on `meter`: a line, an
 * event or a stream past the limits fails with McpResponseTooLargeError, the stream destroyed;
 * bytes stop counting against what answers in flight may hold once a blank line ends their event.
 */
export async function readSseResponse(
  stream: Readable,
  id: RequestId | undefined,
  sink: MessageSink,
  cursor: SseCursor,
  meter: AnswerMeter,
  upstream?: UpstreamText,
): Promise<Record<string, unknown>> {
  let found: { result: Record<string, unknown> } | undefined;
  let failure: Error | undefined;
  const parser = createParser({
    // A line or an event is never longer than the whole answer may be.
    maxBufferSize: meter.maxBytes,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') failure ??= meter.tooLarge();
    },
    onRetry: (ms) => {
      cursor.retryMs = ms;
    },
    onEvent: (event) => {
      if (event.id !== undefined) cursor.lastEventId = event.id;
      if (found || failure || event.data.trim() === '') return;
      try {
        for (const message of parseMessages(event.data)) {
          if (id !== undefined) found ??= matchResponse(message, id, upstream);
          if (!isResponse(message)) sink(message);
        }
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
    },
  });
  // A character split across chunks is decoded whole, once its last byte arrives.
  const decoder = new TextDecoder();
  let lastByte: number | undefined;
  try {
    await readUntil(stream, (chunk) => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      meter.add(buffer.length);
      parser.feed(decoder.decode(buffer, { stream: true }));
      const held = bytesAfterBlankLine(buffer, lastByte);
      if (held !== undefined) meter.holdAtMost(held);
      lastByte = buffer.at(-1) ?? lastByte;
      return failure !== undefined || found !== undefined;
    });
    if (failure) throw failure;
    if (found) return found.result;
  } catch (error) {
    const tooLarge = [failure, error].find(isMcpResponseTooLargeError);
    if (tooLarge) {
      // Not drained: the rest may never end. The socket goes with the stream.
      stream.destroy();
      throw tooLarge;
    }
    if (failure) throw failure;
    throw new McpTransportError(
      'stream_cut',
      `SSE stream broke before the response: ${describe(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    releaseStream(stream);
  }
  throw new McpTransportError('stream_cut', 'SSE stream ended before the response arrived');
}

/**
 * Feeds the stream's chunks to `onChunk` until it returns true (the stream is then paused, not
 * destroyed), or the stream ends. Rejects with the stream's error, with what `onChunk` threw, or
 * when the stream closes before its end. Listeners rather than an async iterator: no promise per
 * chunk on the path of every answer.
 */
function readUntil(stream: Readable, onChunk: (chunk: unknown) => boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (stream.readableEnded) {
      resolve();
      return;
    }
    if (stream.destroyed) {
      reject(stream.errored ?? new Error('the stream closed before its end'));
      return;
    }
    const detach = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: unknown): void => {
      let done: boolean;
      try {
        done = onChunk(chunk);
      } catch (error) {
        detach();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (!done) return;
      detach();
      stream.pause();
      resolve();
    };
    const onEnd = (): void => {
      detach();
      resolve();
    };
    const onError = (error: Error): void => {
      detach();
      reject(error);
    };
    const onClose = (): void => {
      detach();
      reject(new Error('the stream closed before its end'));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

function isResponse(message: JSONRPCMessage): boolean {
  return 'id' in message && !('method' in message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

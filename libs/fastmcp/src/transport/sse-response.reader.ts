import type { Readable } from 'node:stream';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isMcpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import type { Abortable } from '../retry/abort-handle.js';
import type { AnswerMeter } from './answer-meter.js';
import { matchResponse, parseMessages, type RequestId } from './jsonrpc.js';
import { MessagePacer } from './message-batch.pacer.js';
import { releaseStream } from './release-stream.js';
import { bytesAfterBlankLine } from './sse-held-bytes.js';
import type { UpstreamText } from './upstream-text.js';
import { Utf8Chunks } from './utf8-chunks.js';

/** Where a stream stands for resumption: the last event id seen and the server's `retry`. */
export interface SseCursor {
  lastEventId?: string;
  retryMs?: number;
}

/** Receives every message of the stream that is not the awaited response. */
export type MessageSink = (message: JSONRPCMessage) => void;

/**
 * Reads an SSE stream until the JSON-RPC response to `id` arrives, then stops reading.
 * Server requests and notifications go to `sink`; events with empty data (priming events), events
 * of another type than `message` (a keep-alive a server names) and `:` comments only move the
 * cursor. A stream that ends or breaks first is a `stream_cut`;
 * `cursor` then tells whether it can be resumed. Its bytes are counted on `meter`: a line, an
 * event or a stream past the limits fails with McpResponseTooLargeError, the stream destroyed;
 * bytes stop counting against what answers in flight may hold once a blank line ends their event.
 * Every few messages the stream pauses and the event loop runs: an abort of `signal` meanwhile
 * ends the read with its reason.
 */
export async function readSseResponse(
  stream: Readable,
  id: RequestId | undefined,
  sink: MessageSink,
  cursor: SseCursor,
  meter: AnswerMeter,
  signal?: Abortable,
  upstream?: UpstreamText,
): Promise<Record<string, unknown>> {
  let found: { result: Record<string, unknown> } | undefined;
  let failure: Error | undefined;
  const pacer = new MessagePacer(signal);
  /** The events of the chunk being read, handled once the parser has read it. */
  const events: EventSourceMessage[] = [];
  const parser = createParser({
    // A line or an event is never longer than the whole answer may be.
    maxBufferSize: meter.maxBytes,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') failure ??= meter.tooLarge();
    },
    onRetry: (ms) => {
      cursor.retryMs = ms;
    },
    onEvent: (event) => events.push(event),
  });

  /**
   * Handles `batch` from event `e` (its `messages` from `m`, when already parsed) in order; an
   * event's id counts once it is handled. Every few messages it yields: a promise only when it
   * did, so the answer of one event costs no promise and no generator.
   */
  const handle = (
    batch: EventSourceMessage[],
    e: number,
    parsed?: JSONRPCMessage[],
    m = 0,
  ): Promise<void> | undefined => {
    try {
      for (; e < batch.length; e += 1, parsed = undefined, m = 0) {
        if (found || failure) return undefined;
        const event = batch[e];
        const messages = parsed ?? messagesOf(event, meter.maxBytes);
        for (; m < messages.length; m += 1) {
          const message = messages[m];
          if (id !== undefined) found ??= matchResponse(message, id, upstream);
          if (!isResponse(message)) sink(message);
          if (pacer.due()) {
            const next = m + 1;
            return pacer.yield().then(
              () => handle(batch, e, messages, next),
              (error: unknown) => {
                failure ??= asError(error);
              },
            );
          }
        }
        if (event.id !== undefined) cursor.lastEventId = resumableId(event.id);
      }
    } catch (error) {
      failure ??= asError(error);
    }
    return undefined;
  };

  const text = new Utf8Chunks();
  let lastByte: number | undefined;
  try {
    await readUntil(stream, (chunk) => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      meter.add(buffer.length);
      parser.feed(text.decode(buffer));
      const held = bytesAfterBlankLine(buffer, lastByte);
      lastByte = buffer.at(-1) ?? lastByte;
      // The chunk's events count against the budget until they are handled.
      const handled = (): boolean => {
        if (held !== undefined) meter.holdAtMost(held);
        return failure !== undefined || found !== undefined;
      };
      const handling = events.length > 0 ? handle(events.splice(0), 0) : undefined;
      return handling ? handling.then(handled) : handled();
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

/** The JSON-RPC messages of an event: none in a priming event or one of another type. */
function messagesOf(event: EventSourceMessage, maxBytes: number): JSONRPCMessage[] {
  if (event.event !== undefined && event.event !== 'message') return [];
  return event.data.trim() === '' ? [] : parseMessages(event.data, maxBytes);
}

/**
 * Feeds the stream's chunks to `onChunk` until it returns true (the stream is then paused, not
 * destroyed), or the stream ends. Rejects with the stream's error, with what `onChunk` threw, or
 * when the stream closes before its end. Listeners rather than an async iterator: no promise per
 * chunk on the path of every answer. When `onChunk` returns a promise (its chunk is handled over
 * several turns), the stream is paused until it settles, and its end, error or close count only
 * once it has: what was read is handled first.
 */
function readUntil(
  stream: Readable,
  onChunk: (chunk: unknown) => boolean | Promise<boolean>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (stream.readableEnded) {
      resolve();
      return;
    }
    if (stream.destroyed) {
      reject(stream.errored ?? new Error('the stream closed before its end'));
      return;
    }
    let busy: Promise<void> | undefined;
    let over = false;
    const finish = (error?: Error): void => {
      if (over) return;
      over = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const afterHandling = (end: () => void): void => {
      if (busy) void busy.then(end);
      else end();
    };
    const onData = (chunk: unknown): void => {
      let done: boolean | Promise<boolean>;
      try {
        done = onChunk(chunk);
      } catch (error) {
        finish(asError(error));
        return;
      }
      if (done === false) return;
      stream.pause();
      if (done === true) {
        finish();
        return;
      }
      busy = done.then(
        (stop) => {
          busy = undefined;
          if (stop) finish();
          else if (!over) stream.resume();
        },
        (error: unknown) => {
          busy = undefined;
          finish(asError(error));
        },
      );
    };
    const onEnd = (): void => afterHandling(() => finish());
    const onError = (error: Error): void => afterHandling(() => finish(error));
    const onClose = (): void =>
      afterHandling(() => finish(new Error('the stream closed before its end')));
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function isResponse(message: JSONRPCMessage): boolean {
  return 'id' in message && !('method' in message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An event id that can go back as a `Last-Event-ID` header value, of at most 1 KiB. */
const RESUMABLE_ID = /^[\t\x20-\x7e\x80-\xff]{0,1024}$/;

/**
 * The id to resume after: undefined (the stream cannot be resumed) for one no HTTP client can
 * send back, rather than a GET that fails before it leaves, again and again until the budget ends.
 */
function resumableId(id: string): string | undefined {
  return RESUMABLE_ID.test(id) ? id : undefined;
}

import type { Readable } from 'node:stream';
import { createParser } from 'eventsource-parser';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpTransportError } from '../errors/mcp-transport.error.js';
import { matchResponse, parseMessages, type RequestId } from './jsonrpc.js';
import { releaseStream } from './release-stream.js';

/**
 * Reads an SSE response until the JSON-RPC response to `id` arrives, then stops reading.
 * Events with empty data and `:` comments are skipped, unrelated messages ignored.
 * A stream that ends or breaks before the response is a retryable `stream_cut`.
 */
export async function readSseResponse(
  stream: Readable,
  id: RequestId,
): Promise<Record<string, unknown>> {
  let found: { result: Record<string, unknown> } | undefined;
  let failure: Error | undefined;
  const parser = createParser({
    onEvent: (event) => {
      if (found || failure || event.data.trim() === '') return;
      try {
        found = firstMatch(parseMessages(event.data), id);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
    },
  });
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
      parser.feed(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
      if (failure) throw failure;
      if (found) return found.result;
    }
  } catch (error) {
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

function firstMatch(
  messages: JSONRPCMessage[],
  id: RequestId,
): { result: Record<string, unknown> } | undefined {
  for (const message of messages) {
    const match = matchResponse(message, id);
    if (match) return match;
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

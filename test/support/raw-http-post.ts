import { type IncomingHttpHeaders, request } from 'node:http';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

/** What {@link rawHttpPost} saw, including the bytes received before a cut. */
export interface RawHttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Set when the response was cut before its end. */
  readonly error?: Error;
}

/**
 * POSTs a JSON-RPC message with node:http, which (unlike fetch's ReadableStream) keeps every
 * byte received before the connection is cut, so truncated bodies can be asserted exactly.
 */
export function rawHttpPost(url: string, message: unknown): Promise<RawHttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        const done = (error?: Error): void =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            error,
          });
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => done());
        res.once('error', (error) => done(error));
      },
    );
    req.once('error', reject);
    req.end(JSON.stringify(message));
  });
}

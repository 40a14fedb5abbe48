import { type FastMcpErrorFields, isFastMcpError } from './fastmcp.error.js';
import { BYTES_PER_CONTAINER, BYTES_PER_VALUE } from '../transport/json-shape.js';
import { McpProtocolError } from './mcp-protocol.error.js';

const BRAND = Symbol.for('nestjs-fastmcp.response-too-large');

/** The JSON-RPC code the error carries (it is the client's refusal, not the server's). */
export const RESPONSE_TOO_LARGE_CODE = -32603;

/**
 * Which limit an answer passed: `answer`, its own `maxResponseBytes` (a line, an event, or the
 * whole answer); `buffered`, the `maxBufferedResponseBytes` every answer in flight shares;
 * `error_body`, the part of an HTTP error's body the client reads, cut before it could say which
 * error it was; `containers`, one object or array per 32 bytes of `maxResponseBytes`, and
 * `values`, one value per 8 bytes of it (what parsing it would cost in heap and time).
 */
export type ResponseLimit = 'answer' | 'buffered' | 'error_body' | 'containers' | 'values';

const MESSAGES: Record<ResponseLimit, (limitBytes: number) => string> = {
  answer: (bytes) => `response too large: over maxResponseBytes (${bytes} bytes)`,
  buffered: (bytes) =>
    `response too large: answers in flight would pass maxBufferedResponseBytes (${bytes} bytes)`,
  error_body: (bytes) =>
    `response too large: an HTTP error body over ${bytes} bytes could not be read`,
  containers: (bytes) =>
    `response too large: over ${Math.floor(bytes / BYTES_PER_CONTAINER)} objects and arrays (one per ${BYTES_PER_CONTAINER} bytes of maxResponseBytes, ${bytes})`,
  values: (bytes) =>
    `response too large: over ${Math.floor(bytes / BYTES_PER_VALUE)} values (one per ${BYTES_PER_VALUE} bytes of maxResponseBytes, ${bytes})`,
};

/**
 * An answer was larger than the client will hold: the attempt failed, its socket was closed (an
 * error body's rest is not read either), and it is not retried (the server would only send it
 * again). A McpProtocolError.
 */
export class McpResponseTooLargeError extends McpProtocolError {
  readonly [BRAND] = true;
  override readonly name: string = 'McpResponseTooLargeError';
  readonly limit: ResponseLimit;
  /** The limit passed, in bytes. */
  readonly limitBytes: number;

  constructor(limit: ResponseLimit, limitBytes: number, fields: FastMcpErrorFields = {}) {
    super(RESPONSE_TOO_LARGE_CODE, MESSAGES[limit](limitBytes), fields);
    this.limit = limit;
    this.limitBytes = limitBytes;
  }
}

export const isMcpResponseTooLargeError = (value: unknown): value is McpResponseTooLargeError =>
  isFastMcpError(value) && BRAND in value;

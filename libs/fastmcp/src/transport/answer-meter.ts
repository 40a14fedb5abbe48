import type { FastMcpErrorFields } from '../errors/fastmcp.error.js';
import { McpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';

/** Where an answer's bytes are taken from: the budget of every answer in flight. */
export interface BytePool {
  readonly limit: number;
  reserve(bytes: number): boolean;
  release(bytes: number): void;
}

/**
 * Counts the bytes of one answer as they arrive, against its own cap (every byte of the answer)
 * and the shared pool (the bytes it still holds: until `release` when the answer is over, or
 * `holdAtMost` when an SSE event ended and its parser let go of what it had read).
 */
export class AnswerMeter {
  private bytes = 0;
  private held = 0;

  constructor(
    readonly maxBytes: number,
    private readonly pool: BytePool,
    private readonly fields: FastMcpErrorFields,
  ) {}

  /** Counts `count` more bytes; throws McpResponseTooLargeError past either limit. */
  add(count: number): void {
    if (this.bytes + count > this.maxBytes) throw this.tooLarge();
    if (!this.pool.reserve(count)) {
      throw new McpResponseTooLargeError('buffered', this.pool.limit, this.fields);
    }
    this.bytes += count;
    this.held += count;
  }

  /** The answer now holds at most `bytes` unparsed: the rest goes back to the pool. */
  holdAtMost(bytes: number): void {
    if (this.held <= bytes) return;
    this.pool.release(this.held - bytes);
    this.held = bytes;
  }

  /** The error of an answer over its own cap. */
  tooLarge(): McpResponseTooLargeError {
    return new McpResponseTooLargeError('answer', this.maxBytes, this.fields);
  }

  /** Gives what the answer holds back to the pool. Idempotent. */
  release(): void {
    this.pool.release(this.held);
    this.held = 0;
  }
}

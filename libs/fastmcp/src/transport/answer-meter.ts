import type { FastMcpErrorFields } from '../errors/fastmcp.error.js';
import { McpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';

/** Where an answer's bytes are taken from: the budget of every answer in flight. */
export interface BytePool {
  readonly limit: number;
  reserve(bytes: number): boolean;
  release(bytes: number): void;
}

/**
 * Counts the bytes of one answer as they arrive, against its own cap and the shared pool. The
 * bytes stay taken from the pool until `release`, when the answer is over.
 */
export class AnswerMeter {
  private bytes = 0;

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
  }

  /** The error of an answer over its own cap. */
  tooLarge(): McpResponseTooLargeError {
    return new McpResponseTooLargeError('answer', this.maxBytes, this.fields);
  }

  /** Gives the answer's bytes back to the pool. Idempotent. */
  release(): void {
    this.pool.release(this.bytes);
    this.bytes = 0;
  }
}

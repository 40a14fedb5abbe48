import { McpProtocolError } from '../errors/mcp-protocol.error.js';

/**
 * The most JSON-RPC messages one JSON answer or one SSE event may carry. MCP servers send one
 * message at a time (batches left the protocol in 2025-06-18); the cap only stops a server that
 * packs hundreds of thousands into one answer, each to be handled before the call may end.
 */
export const MAX_BATCH_MESSAGES = 1000;

/**
 * The items of a parsed answer or event: those of a batch, or the one message. A batch longer
 * than MAX_BATCH_MESSAGES fails with McpProtocolError -32600 (an invalid batch) before any of
 * its items is looked at: not retried, as the server would only send it again.
 */
export function batchItems(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [value];
  if (value.length > MAX_BATCH_MESSAGES) {
    throw new McpProtocolError(
      -32600,
      `a batch of ${value.length} messages in one answer or event: at most ${MAX_BATCH_MESSAGES} are read`,
    );
  }
  return value;
}

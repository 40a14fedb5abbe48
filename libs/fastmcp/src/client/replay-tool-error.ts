import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FailedOperation } from '../dlq/core/failed-operation.interface.js';
import type { ReplayOutcome } from '../dlq/replay/operation-replayer.interface.js';
import { McpToolResultError } from '../errors/mcp-tool-result.error.js';
import { isToolError } from '../tracing/trace-attributes.js';

/** How much of the tool's own error text the entry keeps. */
const MAX_DETAIL_CHARS = 500;

/**
 * A replayed call's answer, when it is a tool error: a failed replay, so the entry stays with
 * the tool's words (scrubbed: an upstream may echo a secret). It is marked `deliveryUnknown`, as
 * the tool ran: a redrive never runs it again, and a replay needs `force`.
 */
export function replayToolError(
  entry: FailedOperation,
  result: unknown,
  scrub: (text: string) => string,
): ReplayOutcome | undefined {
  if (entry.operation !== 'call_tool' || !isToolError(result)) return undefined;
  const answer = result as CallToolResult;
  const error = new McpToolResultError(
    entry.toolName ?? 'unknown',
    answer,
    scrub(firstText(answer)).slice(0, MAX_DETAIL_CHARS),
    { clientId: entry.clientId },
  );
  return {
    ok: false,
    error,
    errorSummary: error.message,
    errorClass: 'tool_error',
    attempts: [],
    deliveryUnknown: true,
  };
}

function firstText(result: CallToolResult): string {
  const content: unknown[] = Array.isArray(result.content) ? result.content : [];
  for (const block of content) {
    const { type, text } = (block ?? {}) as { type?: unknown; text?: unknown };
    if (type === 'text' && typeof text === 'string') return text;
  }
  return '';
}

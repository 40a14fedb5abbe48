import { CallToolResultSchema, ToolSchema as ModernToolSchema } from '@modelcontextprotocol/core';
import { type CallToolResult, type Tool, ToolSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import type { ProtocolEra } from '../protocol/protocol-era.js';
import { scanParamHeaders } from '../protocol/mcp-param-headers.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

/** Most tools one `tools/list` page may hold: each is checked on its own, synchronously. */
export const MAX_TOOLS_PER_PAGE = 10_000;

/** One page of `tools/list`: the tools that are valid MCP, and the names of those skipped. */
export interface ToolsPage {
  tools: Tool[];
  nextCursor?: string;
  skipped: string[];
  /** How long the page may be reused, in ms (2026-07-28 `ttlMs`), when the server said. */
  ttlMs?: number;
}

/**
 * Checks a `tools/call` result against the schema of `@modelcontextprotocol/core`, which
 * follows 2026-07-28: `structuredContent` may be any JSON value, nested at most
 * MAX_JSON_DEPTH levels.
 */
export function parseCallToolResult(result: unknown, clientId: string): CallToolResult {
  if (isPlainTextResult(result)) return result;
  // Valid MCP may nest any depth (`structuredContent`, `_meta`), but whatever serialises the
  // result next (a REST reply, a log, a DLQ entry) overflows its stack at a few thousand levels.
  if (nestsDeeperThan(result, MAX_JSON_DEPTH)) {
    throw new McpProtocolError(
      -32603,
      `the tools/call result nests deeper than ${MAX_JSON_DEPTH} levels`,
      { clientId },
    );
  }
  const parsed = CallToolResultSchema.safeParse(result);
  if (!parsed.success) {
    throw new McpProtocolError(-32603, 'the tools/call result is not valid MCP', { clientId });
  }
  return parsed.data as CallToolResult;
}

const RESULT_KEYS = new Set(['content', 'isError']);

/**
 * The common answer, text blocks and an optional `isError`, with nothing else: valid MCP as it is,
 * so it skips the schema (which would return the same value). Any other shape goes to the schema.
 */
function isPlainTextResult(result: unknown): result is CallToolResult {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return false;
  const { content, isError } = result as { content?: unknown; isError?: unknown };
  if (!Array.isArray(content) || (isError !== undefined && typeof isError !== 'boolean')) {
    return false;
  }
  for (const key in result) if (!RESULT_KEYS.has(key)) return false;
  for (const block of content as unknown[]) {
    if (typeof block !== 'object' || block === null) return false;
    const { type, text } = block as { type?: unknown; text?: unknown };
    if (type !== 'text' || typeof text !== 'string') return false;
    for (const key in block) if (key !== 'type' && key !== 'text') return false;
  }
  return true;
}

/**
 * The schema a listed tool must match in each era: 2025 asks an `outputSchema` of `type: object`;
 * 2026-07-28 takes any JSON Schema (an array, a string, `anyOf`...) as `@modelcontextprotocol/core`
 * does.
 */
const TOOL_SCHEMAS = { legacy: ToolSchema, modern: ModernToolSchema } as const;

/**
 * Checks a `tools/list` page tool by tool: one tool that is not valid MCP, or that nests deeper
 * than MAX_JSON_DEPTH, is skipped (and named), rather than failing the whole listing. A page that
 * is not a listing at all, or holds more than MAX_TOOLS_PER_PAGE tools, is an error. An empty
 * `nextCursor` is a cursor like any other, not the end of the listing.
 */
export function parseToolsPage(
  result: unknown,
  clientId: string,
  era: ProtocolEra = 'legacy',
): ToolsPage {
  const page = result as { tools?: unknown; nextCursor?: unknown; ttlMs?: unknown } | undefined;
  const cursor = page?.nextCursor;
  if (!Array.isArray(page?.tools) || (cursor !== undefined && typeof cursor !== 'string')) {
    throw new McpProtocolError(-32603, 'the tools/list result is not valid MCP', { clientId });
  }
  const candidates = page.tools as unknown[];
  if (candidates.length > MAX_TOOLS_PER_PAGE) {
    throw new McpProtocolError(
      -32603,
      `the tools/list page holds ${candidates.length} tools, more than ${MAX_TOOLS_PER_PAGE}`,
      { clientId },
    );
  }
  const tools: Tool[] = [];
  const skipped: string[] = [];
  const schema = TOOL_SCHEMAS[era];
  for (const candidate of candidates) {
    // Checked before the schema, whose recursion a deep enough value overflows.
    if (nestsDeeperThan(candidate, MAX_JSON_DEPTH)) {
      skipped.push(nameOf(candidate));
      continue;
    }
    const parsed = schema.safeParse(candidate);
    // A tool whose x-mcp-header annotations break the rules is rejected (2026-07-28 Streamable HTTP).
    if (parsed.success && scanParamHeaders(parsed.data.inputSchema).valid) {
      tools.push(parsed.data as Tool);
    } else skipped.push(nameOf(candidate));
  }
  const ttl = page.ttlMs;
  const ttlMs = typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0 ? ttl : undefined;
  return { tools, nextCursor: cursor, skipped, ttlMs };
}

function nameOf(candidate: unknown): string {
  const name = (candidate as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '(unnamed)';
}

import {
  type CallToolResult,
  CallToolResultSchema,
  type ListToolsResult,
  ListToolsResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';

/** Checks a `tools/call` result against the SDK's schema. */
export function parseCallToolResult(result: unknown, clientId: string): CallToolResult {
  const parsed = CallToolResultSchema.safeParse(result);
  if (!parsed.success) {
    throw new McpProtocolError(-32603, 'the tools/call result is not valid MCP', { clientId });
  }
  return parsed.data;
}

/** Checks a `tools/list` page against the SDK's schema. */
export function parseListToolsResult(result: unknown, clientId: string): ListToolsResult {
  const parsed = ListToolsResultSchema.safeParse(result);
  if (!parsed.success) {
    throw new McpProtocolError(-32603, 'the tools/list result is not valid MCP', { clientId });
  }
  return parsed.data;
}

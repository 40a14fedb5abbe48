import { type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { normalizeObjectSchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import {
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { type DemoToolEntry } from './demo-tools.js';

const EMPTY_INPUT_SCHEMA: Tool['inputSchema'] = { type: 'object', properties: {} };

/**
 * McpServer answers `tools/list` in one page and ignores `cursor` (SDK 1.32), so this replaces
 * its handler on the low-level Server with one serving `pageSize` tools per page.
 */
export function installToolsPagination(
  mcp: McpServer,
  tools: readonly DemoToolEntry[],
  pageSize: number,
): void {
  const listing = tools.map(([name, tool]) => toListedTool(name, tool));
  mcp.server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const offset = decodeCursor(request.params?.cursor);
    const end = offset + pageSize;
    return {
      tools: listing.slice(offset, end),
      ...(end < listing.length ? { nextCursor: encodeCursor(end) } : {}),
    };
  });
}

function toListedTool(name: string, tool: DemoToolEntry[1]): Tool {
  const input = normalizeObjectSchema(tool.inputSchema);
  const output = normalizeObjectSchema(tool.outputSchema);
  return {
    name,
    title: tool.title,
    description: tool.description,
    ...(tool.execution ? { execution: tool.execution } : {}),
    inputSchema: input
      ? (toJsonSchemaCompat(input, {
          strictUnions: true,
          pipeStrategy: 'input',
        }) as Tool['inputSchema'])
      : EMPTY_INPUT_SCHEMA,
    ...(output
      ? {
          outputSchema: toJsonSchemaCompat(output, {
            strictUnions: true,
            pipeStrategy: 'output',
          }) as Tool['outputSchema'],
        }
      : {}),
    annotations: tool.annotations,
  };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new McpError(ErrorCode.InvalidParams, `Invalid cursor: ${cursor}`);
  return Number(match[1]);
}

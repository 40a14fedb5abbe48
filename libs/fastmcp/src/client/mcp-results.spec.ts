import { CallToolResultSchema } from '@modelcontextprotocol/core';
import { describe, expect, it } from 'vitest';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { parseCallToolResult, parseToolsPage } from './mcp-results.js';

const failure = (result: unknown): unknown => {
  try {
    parseCallToolResult(result, 'demo');
    return undefined;
  } catch (error) {
    return error;
  }
};

describe('parseCallToolResult', () => {
  it.each([
    [{ content: [{ type: 'text', text: 'hi' }] }],
    [
      {
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
        isError: true,
      },
    ],
    [{ content: [] }],
    [{ content: [{ type: 'image', data: 'aGk=', mimeType: 'image/png' }] }],
    [
      {
        content: [{ type: 'text', text: 'x', annotations: { priority: 1 } }],
        structuredContent: 3,
      },
    ],
    [{ content: [{ type: 'text', text: 'x' }], _meta: { a: 1 } }],
  ])('returns what the schema returns for %j', (result) => {
    expect(parseCallToolResult(result, 'demo')).toEqual(CallToolResultSchema.parse(result));
  });

  it.each([
    [null],
    [[]],
    [{ content: [{ type: 'text', text: 7 }] }],
    [{ content: [{ type: 'text' }] }],
    [{ content: [{ type: 'text', text: 'x' }], isError: 'yes' }],
    [{ content: [null] }],
  ])('refuses %j with McpProtocolError, as the schema does', (result) => {
    expect(CallToolResultSchema.safeParse(result).success).toBe(false);
    const error = failure(result);
    expect(isMcpProtocolError(error)).toBe(true);
    expect((error as Error).message).toContain('the tools/call result is not valid MCP');
  });
});

describe('parseToolsPage', () => {
  const tool = (outputSchema: unknown) => ({
    name: 'typed',
    inputSchema: { type: 'object' },
    outputSchema,
  });

  it.each([
    [{ type: 'array', items: { type: 'string' } }],
    [{ type: 'string' }],
    [{ anyOf: [{ type: 'string' }, { type: 'number' }] }],
    [{ type: ['string', 'null'] }],
  ])('takes the outputSchema %j in 2026-07-28, skips it in 2025', (outputSchema) => {
    const page = { tools: [tool(outputSchema)] };
    expect(parseToolsPage(page, 'demo', 'modern').tools).toEqual([tool(outputSchema)]);
    expect(parseToolsPage(page, 'demo', 'legacy')).toMatchObject({ tools: [], skipped: ['typed'] });
  });

  it('skips an outputSchema that is not a schema object in either era', () => {
    const page = { tools: [tool('not a schema')] };
    expect(parseToolsPage(page, 'demo', 'modern').skipped).toEqual(['typed']);
  });

  it.each(['modern', 'legacy'] as const)(
    'keeps an empty nextCursor (%s): it is not the end',
    (era) => {
      expect(parseToolsPage({ tools: [], nextCursor: '' }, 'demo', era).nextCursor).toBe('');
      expect(parseToolsPage({ tools: [] }, 'demo', era).nextCursor).toBeUndefined();
    },
  );
});

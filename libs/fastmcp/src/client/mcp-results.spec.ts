import { CallToolResultSchema } from '@modelcontextprotocol/core';
import { describe, expect, it } from 'vitest';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { MAX_TOOLS_PER_PAGE, parseCallToolResult, parseToolsPage } from './mcp-results.js';

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

  it(`fails a page of more than ${MAX_TOOLS_PER_PAGE} tools before checking any`, () => {
    const tool = { name: 't', inputSchema: { type: 'object' } };
    const tools = new Array<typeof tool>(MAX_TOOLS_PER_PAGE + 1).fill(tool);
    expect(() => parseToolsPage({ tools }, 'demo')).toThrow(
      'the tools/list page holds 10001 tools, more than 10000',
    );
    expect(parseToolsPage({ tools: tools.slice(1) }, 'demo').tools).toHaveLength(10_000);
  });

  it.each(['modern', 'legacy'] as const)(
    'skips a tool nested deeper than MAX_JSON_DEPTH anywhere (%s)',
    (era) => {
      const deep = JSON.parse('['.repeat(50_000) + ']'.repeat(50_000)) as unknown;
      const page = {
        tools: [
          { name: 'deep', inputSchema: { type: 'object' }, annotations: { x: deep } },
          { name: 'ok', inputSchema: { type: 'object' } },
        ],
      };
      expect(parseToolsPage(page, 'demo', era)).toMatchObject({
        tools: [{ name: 'ok' }],
        skipped: ['deep'],
      });
    },
  );
});

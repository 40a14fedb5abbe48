import { CallToolResultSchema } from '@modelcontextprotocol/core';
import { describe, expect, it } from 'vitest';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { parseCallToolResult } from './mcp-results.js';

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

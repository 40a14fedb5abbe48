import { describe, expect, it } from 'vitest';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { ToolCatalog } from './tool-catalog.js';

const TOOLS: Tool[] = [{ name: 'a', inputSchema: { type: 'object' } }];

describe('ToolCatalog freshness (servers.*.toolListCache)', () => {
  it('returns a listing until its freshUntil, and never without one', () => {
    const catalog = new ToolCatalog();
    catalog.remember('c', TOOLS, 1000);
    expect(catalog.fresh('c', 999)).toEqual(TOOLS);
    expect(catalog.fresh('c', 1000)).toBeUndefined();
    catalog.remember('c', TOOLS);
    expect(catalog.fresh('c', 0)).toBeUndefined();
    expect(catalog.tool('c', 'a')).toEqual(TOOLS[0]);
  });

  it('forgets freshness with the client id', () => {
    const catalog = new ToolCatalog();
    catalog.remember('c', TOOLS, 1000);
    catalog.forget('c');
    expect(catalog.fresh('c', 0)).toBeUndefined();
  });
});

describe('ToolCatalog result checks', () => {
  it("scrubs the server's schema words quoted in a mismatch: they may echo a header value", () => {
    const apiKey = 'sk-live-configured-0123456789';
    const catalog = new ToolCatalog();
    const tool: Tool = {
      name: 'echo',
      inputSchema: { type: 'object' },
      outputSchema: { type: 'object', required: [apiKey] },
    };
    catalog.remember('c', [tool]);
    const target = {
      url: 'http://127.0.0.1:1/mcp',
      headers: { 'X-Api-Key': apiKey },
    };
    let error: McpProtocolError | undefined;
    try {
      catalog.checkResult('c', 'echo', { content: [], structuredContent: {} }, target);
    } catch (caught) {
      error = caught as McpProtocolError;
    }
    expect(error?.message).toBe(
      "MCP error -32602: structuredContent of tool echo does not match its outputSchema: data must have required property '[REDACTED]'",
    );
  });
});

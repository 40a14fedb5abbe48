import { describe, expect, it } from 'vitest';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
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

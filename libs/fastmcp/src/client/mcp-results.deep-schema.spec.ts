import { describe, expect, it } from 'vitest';
import { parseToolsPage } from './mcp-results.js';

/** An `inputSchema` whose `properties` nest `depth` levels, a header-annotated string at the end. */
function nestedSchema(depth: number): Record<string, unknown> {
  let node: Record<string, unknown> = { type: 'string', 'x-mcp-header': 'Deep' };
  for (let i = 0; i < depth; i++) node = { type: 'object', properties: { n: node } };
  return node;
}

describe('parseToolsPage with a deeply nested inputSchema', () => {
  it('skips the deep tool and keeps the rest of the listing', () => {
    const page = parseToolsPage(
      {
        tools: [
          { name: 'deep', inputSchema: nestedSchema(4000) },
          { name: 'plain', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } },
        ],
      },
      'demo',
    );
    expect(page.tools.map((tool) => tool.name)).toEqual(['plain']);
    expect(page.skipped).toEqual(['deep']);
  });

  it('keeps a tool whose header sits a few levels down', () => {
    const page = parseToolsPage({ tools: [{ name: 'ok', inputSchema: nestedSchema(10) }] }, 'demo');
    expect(page.tools.map((tool) => tool.name)).toEqual(['ok']);
  });
});

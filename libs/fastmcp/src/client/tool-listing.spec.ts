import { describe, expect, it } from 'vitest';
import type { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { MAX_CURSOR_BYTES } from './page-collector.js';
import { ToolListing } from './tool-listing.js';

const API_KEY = 'configured-api-key-0123456';
const TARGET = { url: 'http://127.0.0.1:1/mcp', headers: { 'X-Api-Key': API_KEY } };
const TOOL = { name: 't', inputSchema: { type: 'object' as const } };
const page = (nextCursor?: string, ttlMs?: number) => ({
  tools: [TOOL],
  nextCursor,
  skipped: [],
  ttlMs,
});
const failureOf = (add: () => unknown) => {
  try {
    add();
  } catch (error) {
    return error as McpProtocolError;
  }
  throw new Error('expected the page to fail the listing');
};

describe('ToolListing', () => {
  it('gathers pages until one has no cursor, with the smallest ttlMs', () => {
    const listing = new ToolListing('c', TARGET, 1024);
    expect(listing.params()).toBeUndefined();
    expect(listing.add(page('a', 500))).toBe(false);
    expect(listing.params()).toEqual({ cursor: 'a' });
    expect(listing.add(page(undefined, 200))).toBe(true);
    expect(listing.tools).toHaveLength(2);
    expect(listing.ttlMs).toBe(200);
  });

  it('scrubs a repeated cursor before capping it, so a secret across the cap is not half shown', () => {
    const listing = new ToolListing('c', TARGET, 1024 * 1024);
    const cursor = `${'c'.repeat(90)}${API_KEY}`;
    listing.add(page(cursor));
    const error = failureOf(() => listing.add(page(cursor)));
    expect(error.message).toContain(`${'c'.repeat(90)}[REDAC`);
    expect(error.message).not.toContain(API_KEY.slice(0, 8));
  });

  it("names a repeated cursor scrubbed and capped: it is the server's words", () => {
    const listing = new ToolListing('c', TARGET, 1024 * 1024);
    const cursor = `${API_KEY}${'k'.repeat(500)}`;
    listing.add(page(cursor));
    const error = failureOf(() => listing.add(page(cursor)));
    expect(error.code).toBe(-32603);
    expect(error.message).toMatch(/tools\/list repeated the cursor "\[REDACTED\]k+" on page 2/);
    expect(error.message.length).toBeLessThan(200);
  });

  it('fails on the 1000th page that still has a cursor', () => {
    const listing = new ToolListing('c', TARGET, 1024 * 1024 * 1024);
    for (let i = 1; i < 1000; i += 1) listing.add(page(`c${i}`));
    const error = failureOf(() => listing.add(page('c1000')));
    expect(error.message).toBe('MCP error -32603: tools/list did not end after 1000 pages');
  });

  it('fails on a cursor longer than MAX_CURSOR_BYTES (UTF-8), and takes one that long', () => {
    const listing = new ToolListing('c', TARGET, 1024 * 1024);
    expect(listing.add(page('é'.repeat(MAX_CURSOR_BYTES / 2)))).toBe(false);
    const error = failureOf(() => listing.add(page(`${'é'.repeat(MAX_CURSOR_BYTES / 2)}x`)));
    expect(error.message).toBe(
      'MCP error -32603: tools/list gave a cursor of 4097 bytes on page 2 (at most 4096)',
    );
  });

  it("counts each cursor's bytes with the tools against maxBytes", () => {
    const toolBytes = JSON.stringify([TOOL]).length;
    const listing = new ToolListing('c', TARGET, 2 * toolBytes + 100);
    expect(listing.add(page('x'.repeat(100)))).toBe(false);
    const error = failureOf(() => listing.add(page('y')));
    expect(error.message).toMatch(/passed maxResponseBytes \(\d+ bytes\) over 2 pages/);
  });

  it('takes a page of more tools than a spread can pass', () => {
    const listing = new ToolListing('c', TARGET, 1024 * 1024 * 1024);
    const tools = new Array<typeof TOOL>(200_000).fill(TOOL);
    expect(listing.add({ tools, skipped: [] })).toBe(true);
    expect(listing.tools).toHaveLength(200_000);
  });
});

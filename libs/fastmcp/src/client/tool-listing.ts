import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import type { ToolsPage } from './mcp-results.js';
import { PageCollector } from './page-collector.js';

/**
 * The pages of one `tools/list` listing on one target (bounded as every listing is: see
 * PageCollector), with what only tools have: the smallest `ttlMs` of the pages, and the pages
 * that held invalid tools. The skipped tools' names count toward `maxBytes` too: invalid tools
 * are no way past the cap.
 */
export class ToolListing {
  /** The smallest `ttlMs` of the pages; 0 when a page gave none. */
  ttlMs = Infinity;
  private readonly pages: PageCollector<Tool>;
  /** Pages that held invalid (skipped) tools so far. */
  private pagesWithSkipped = 0;

  constructor(clientId: string, target: HttpTarget, maxBytes: number) {
    this.pages = new PageCollector('tools/list', clientId, target, maxBytes, 'list_tools');
  }

  get tools(): Tool[] {
    return this.pages.items;
  }

  /** The params of the next page's request. */
  params(): { cursor: string } | undefined {
    return this.pages.params();
  }

  /** Adds a page; true when it was the last. */
  add(page: ToolsPage): boolean {
    const items = { items: page.tools, nextCursor: page.nextCursor };
    const last = this.pages.add(items, JSON.stringify(page.skipped));
    this.ttlMs = Math.min(this.ttlMs, page.ttlMs ?? 0);
    return last;
  }

  /**
   * Counts a page that held invalid tools; true when it is worth a WARN line: each of the first
   * 10 such pages of the listing, then the 100th, 1000th, so a server cannot turn each page into
   * a log line.
   */
  notesSkipped(page: ToolsPage): boolean {
    if (page.skipped.length === 0) return false;
    this.pagesWithSkipped += 1;
    const n = this.pagesWithSkipped;
    return n <= 10 || Number.isInteger(Math.log10(n));
  }

  /** How many pages held invalid tools so far. */
  get skippedPages(): number {
    return this.pagesWithSkipped;
  }
}

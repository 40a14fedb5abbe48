import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { UpstreamText } from '../transport/upstream-text.js';
import type { ToolsPage } from './mcp-results.js';

const MAX_TOOL_PAGES = 1000;
/** Longest `nextCursor` taken, in UTF-8 bytes: an opaque position, never a payload. */
export const MAX_CURSOR_BYTES = 4096;

/**
 * The pages of one `tools/list` listing on one target, gathered until a page has no
 * `nextCursor`. A server cannot keep it going: a cursor it already gave, a cursor longer than
 * MAX_CURSOR_BYTES, a 1000th page, or tools and cursors past `maxBytes` in total (JSON, all pages
 * together: no real listing comes near the cap of one answer) fail it with McpProtocolError, so
 * a listing never holds more than one answer may. Cursors already given are kept as digests.
 */
export class ToolListing {
  readonly tools: Tool[] = [];
  /** The smallest `ttlMs` of the pages; 0 when a page gave none. */
  ttlMs = Infinity;
  private cursor: string | undefined;
  private readonly cursorDigests = new Set<string>();
  private bytes = 0;
  private pages = 0;
  /** Pages that held invalid (skipped) tools so far. */
  private pagesWithSkipped = 0;

  constructor(
    private readonly clientId: string,
    private readonly target: HttpTarget,
    private readonly maxBytes: number,
  ) {}

  /** The params of the next page's request. */
  params(): { cursor: string } | undefined {
    return this.cursor === undefined ? undefined : { cursor: this.cursor };
  }

  /** Adds a page; true when it was the last. */
  add(page: ToolsPage): boolean {
    const next = page.nextCursor;
    const pages = this.pages + 1;
    const cursorBytes = next === undefined ? 0 : Buffer.byteLength(next);
    if (cursorBytes > MAX_CURSOR_BYTES) {
      this.fail(
        `tools/list gave a cursor of ${cursorBytes} bytes on page ${pages} (at most ${MAX_CURSOR_BYTES})`,
      );
    }
    // The skipped tools' names count too: invalid tools are no way past the cap.
    const listed = JSON.stringify(page.tools) + JSON.stringify(page.skipped);
    const bytes = this.bytes + Buffer.byteLength(listed) + cursorBytes;
    if (bytes > this.maxBytes) {
      this.fail(`tools/list passed maxResponseBytes (${this.maxBytes} bytes) over ${pages} pages`);
    }
    const digest = next === undefined ? undefined : digestOf(next);
    if (next !== undefined && this.cursorDigests.has(digest!)) {
      // The cursor is the server's words: scrubbed and capped.
      const named = new UpstreamText(this.target).excerpt(next, 100);
      this.fail(`tools/list repeated the cursor ${JSON.stringify(named)} on page ${pages}`);
    }
    if (next !== undefined && pages >= MAX_TOOL_PAGES) {
      this.fail(`tools/list did not end after ${MAX_TOOL_PAGES} pages`);
    }
    this.bytes = bytes;
    this.pages = pages;
    // One by one: a spread passes each tool as an argument, and too many overflow the stack.
    for (const tool of page.tools) this.tools.push(tool);
    this.ttlMs = Math.min(this.ttlMs, page.ttlMs ?? 0);
    if (digest === undefined) return true;
    this.cursorDigests.add(digest);
    this.cursor = next;
    return false;
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

  private fail(message: string): never {
    throw new McpProtocolError(-32603, message, {
      clientId: this.clientId,
      operation: 'list_tools',
    });
  }
}

function digestOf(cursor: string): string {
  return createHash('sha256').update(cursor).digest('base64');
}

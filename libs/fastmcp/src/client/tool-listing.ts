import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { UpstreamText } from '../transport/upstream-text.js';
import type { ToolsPage } from './mcp-results.js';

const MAX_TOOL_PAGES = 1000;

/**
 * The pages of one `tools/list` listing on one target, gathered until a page has no
 * `nextCursor`. A server cannot keep it going: a cursor it already gave, a 1000th page, or tools
 * past `maxBytes` in total (JSON, all pages together: no real listing comes near the cap of one
 * answer) fail it with McpProtocolError, so a listing never holds more than one answer may.
 */
export class ToolListing {
  readonly tools: Tool[] = [];
  /** The smallest `ttlMs` of the pages; 0 when a page gave none. */
  ttlMs = Infinity;
  private cursor: string | undefined;
  private readonly cursors = new Set<string>();
  private bytes = 0;
  private pages = 0;

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
    const bytes = this.bytes + Buffer.byteLength(JSON.stringify(page.tools));
    const pages = this.pages + 1;
    if (bytes > this.maxBytes) {
      this.fail(`tools/list passed maxResponseBytes (${this.maxBytes} bytes) over ${pages} pages`);
    }
    const next = page.nextCursor;
    if (next !== undefined && this.cursors.has(next)) {
      // The cursor is the server's words: scrubbed and capped.
      const named = new UpstreamText(this.target).scrub(next.slice(0, 100));
      this.fail(`tools/list repeated the cursor ${JSON.stringify(named)} on page ${pages}`);
    }
    if (next !== undefined && pages >= MAX_TOOL_PAGES) {
      this.fail(`tools/list did not end after ${MAX_TOOL_PAGES} pages`);
    }
    this.bytes = bytes;
    this.pages = pages;
    this.tools.push(...page.tools);
    this.ttlMs = Math.min(this.ttlMs, page.ttlMs ?? 0);
    if (next === undefined) return true;
    this.cursors.add(next);
    this.cursor = next;
    return false;
  }

  private fail(message: string): never {
    throw new McpProtocolError(-32603, message, {
      clientId: this.clientId,
      operation: 'list_tools',
    });
  }
}

import { createHash } from 'node:crypto';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import type { OperationName } from '../events/operation-name.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { UpstreamText } from '../transport/upstream-text.js';

/** Most pages one listing follows. */
const MAX_PAGES = 1000;
/** Longest `nextCursor` taken, in UTF-8 bytes: an opaque position, never a payload. */
export const MAX_CURSOR_BYTES = 4096;

/** One page of a paginated list result, already checked. */
export interface ListPage<T> {
  items: readonly T[];
  nextCursor?: string;
}

/**
 * The pages of one paginated listing (`tools/list`, `resources/list`, `prompts/list`...) on one
 * target, gathered until a page has no `nextCursor`. A server cannot keep it going: a cursor it
 * already gave, a cursor longer than MAX_CURSOR_BYTES, a 1000th page, or items and cursors past
 * `maxBytes` in total (JSON, all pages together: no real listing comes near the cap of one
 * answer) fail it with McpProtocolError, so a listing never holds more than one answer may.
 * Cursors already given are kept as digests.
 */
export class PageCollector<T> {
  readonly items: T[] = [];
  private cursor: string | undefined;
  private readonly cursorDigests = new Set<string>();
  private bytes = 0;
  private pages = 0;

  constructor(
    private readonly method: string,
    private readonly clientId: string,
    private readonly target: Pick<HttpTarget, 'headers' | 'url' | 'auth'>,
    private readonly maxBytes: number,
    private readonly operation?: OperationName,
  ) {}

  /** The params of the next page's request. */
  params(): { cursor: string } | undefined {
    return this.cursor === undefined ? undefined : { cursor: this.cursor };
  }

  /** Adds a page, `alsoCounted` toward `maxBytes` with it; true when it was the last. */
  add(page: ListPage<T>, alsoCounted = ''): boolean {
    const next = page.nextCursor;
    const pages = this.pages + 1;
    const cursorBytes = next === undefined ? 0 : Buffer.byteLength(next);
    if (cursorBytes > MAX_CURSOR_BYTES) {
      this.fail(
        `gave a cursor of ${cursorBytes} bytes on page ${pages} (at most ${MAX_CURSOR_BYTES})`,
      );
    }
    const listed = JSON.stringify(page.items) + alsoCounted;
    const bytes = this.bytes + Buffer.byteLength(listed) + cursorBytes;
    if (bytes > this.maxBytes) {
      this.fail(`passed maxResponseBytes (${this.maxBytes} bytes) over ${pages} pages`);
    }
    const digest = next === undefined ? undefined : digestOf(next);
    if (digest !== undefined && this.cursorDigests.has(digest)) {
      // The cursor is the server's words: scrubbed and capped.
      const named = new UpstreamText(this.target).excerpt(next!, 100);
      this.fail(`repeated the cursor ${JSON.stringify(named)} on page ${pages}`);
    }
    if (digest !== undefined && pages >= MAX_PAGES) {
      this.fail(`did not end after ${MAX_PAGES} pages`);
    }
    this.bytes = bytes;
    this.pages = pages;
    // One by one: a spread passes each item as an argument, and too many overflow the stack.
    for (const item of page.items) this.items.push(item);
    if (digest === undefined) return true;
    this.cursorDigests.add(digest);
    this.cursor = next;
    return false;
  }

  private fail(what: string): never {
    throw new McpProtocolError(-32603, `${this.method} ${what}`, {
      clientId: this.clientId,
      operation: this.operation,
    });
  }
}

function digestOf(cursor: string): string {
  return createHash('sha256').update(cursor).digest('base64');
}

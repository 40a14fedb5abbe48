import { createHash } from 'node:crypto';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { MAX_CURSOR_BYTES } from './tool-listing.js';

/** Most pages one listing follows. */
const MAX_PAGES = 1000;

/** One page of a paginated list result, already checked. */
export interface ListPage<T> {
  items: readonly T[];
  nextCursor?: string;
}

/**
 * The pages of one paginated listing (`resources/list`, `prompts/list`...) gathered until one has
 * no `nextCursor`. A server cannot keep it going: a repeated or oversized cursor, a 1000th page,
 * or items past `maxBytes` in total fail it with McpProtocolError.
 */
export class PageCollector<T> {
  readonly items: T[] = [];
  private cursor: string | undefined;
  private readonly seen = new Set<string>();
  private bytes = 0;

  constructor(
    private readonly method: string,
    private readonly clientId: string,
    private readonly maxBytes: number,
  ) {}

  /** The params of the next page's request. */
  params(): { cursor: string } | undefined {
    return this.cursor === undefined ? undefined : { cursor: this.cursor };
  }

  /** Adds a page; true when it was the last. */
  add(page: ListPage<T>): boolean {
    const next = page.nextCursor;
    this.bytes += Buffer.byteLength(JSON.stringify(page.items)) + (next?.length ?? 0);
    if (this.bytes > this.maxBytes) this.fail(`passed maxResponseBytes (${this.maxBytes} bytes)`);
    for (const item of page.items) this.items.push(item);
    if (next === undefined) return true;
    if (Buffer.byteLength(next) > MAX_CURSOR_BYTES) {
      this.fail(`gave a cursor longer than ${MAX_CURSOR_BYTES} bytes`);
    }
    const digest = createHash('sha256').update(next).digest('base64');
    if (this.seen.has(digest)) this.fail('repeated a cursor');
    if (this.seen.size + 1 >= MAX_PAGES) this.fail(`did not end after ${MAX_PAGES} pages`);
    this.seen.add(digest);
    this.cursor = next;
    return false;
  }

  private fail(what: string): never {
    throw new McpProtocolError(-32603, `${this.method} ${what}`, { clientId: this.clientId });
  }
}

import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

export const COUNTER_URI = 'counter://hits';

/**
 * The demo's one resource that changes, shared by every session: the `bump` tool adds 1 and each
 * session subscribed to it hears `notifications/resources/updated` on its GET stream.
 */
export class DemoCounter {
  private hits = 0;
  private readonly subscribed = new Set<McpServer>();

  get value(): number {
    return this.hits;
  }

  bump(): number {
    this.hits += 1;
    for (const mcp of this.subscribed) {
      // A session that closed meanwhile cannot be told: it is forgotten.
      mcp.server.sendResourceUpdated({ uri: COUNTER_URI }).catch(() => this.subscribed.delete(mcp));
    }
    return this.hits;
  }

  /** The counter resource, and `resources/subscribe` and `unsubscribe` for it, on `mcp`. */
  register(mcp: McpServer): void {
    mcp.registerResource(
      'hits',
      COUNTER_URI,
      { mimeType: 'text/plain', description: 'How many times the bump tool ran' },
      (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: String(this.hits) }] }),
    );
    mcp.server.setRequestHandler(SubscribeRequestSchema, ({ params }) => {
      if (params.uri === COUNTER_URI) this.subscribed.add(mcp);
      return {};
    });
    mcp.server.setRequestHandler(UnsubscribeRequestSchema, ({ params }) => {
      if (params.uri === COUNTER_URI) this.subscribed.delete(mcp);
      return {};
    });
    const closed = mcp.server.onclose;
    mcp.server.onclose = () => {
      this.subscribed.delete(mcp);
      closed?.();
    };
  }
}

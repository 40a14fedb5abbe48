import type { RawMessage } from './raw-mcp-server.interface.js';

/** A JSON-RPC error as the raw server answers it. */
export interface RawError {
  readonly code: number;
  readonly message: string;
}

/**
 * `tools/list` over fixed pages. The cursor names the session it was handed to, as a server
 * keeping listing state per session would: a cursor from another session is refused (-32602).
 */
export function toolsListAnswer(
  pages: readonly (readonly unknown[])[],
  sessionId: string,
  params: RawMessage['params'],
): { result: Record<string, unknown> } | { error: RawError } {
  const cursor = params?.cursor;
  let index = 0;
  if (cursor !== undefined) {
    const match = typeof cursor === 'string' ? /^(.+)#(\d+)$/.exec(cursor) : null;
    if (!match || match[1] !== sessionId || Number(match[2]) >= pages.length) {
      return { error: { code: -32602, message: `Invalid cursor: ${JSON.stringify(cursor)}` } };
    }
    index = Number(match[2]);
  }
  const next = index + 1 < pages.length ? { nextCursor: `${sessionId}#${index + 1}` } : {};
  return { result: { tools: pages[index] ?? [], ...next } };
}

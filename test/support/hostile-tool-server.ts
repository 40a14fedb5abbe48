import type { ServerResponse } from 'node:http';
import type { RawModernMessage } from './raw-modern-server.js';
import { type ScriptedMcpServerHandle, startScriptedMcpServer } from './scripted-mcp-server.js';

/** What {@link startHostileToolServer} answers. */
export interface HostileToolServerOptions {
  /**
   * The `tools/list` result for the page at `cursor` (undefined: the first), as JSON text: written
   * as it is, so it may nest deeper than JSON.stringify could write.
   */
  listing(cursor: string | undefined): string;
  /** The `structuredContent` of each `tools/call` answer. Default: `{}`. */
  structured?(toolName: string): unknown;
}

/**
 * A 2025-era MCP server (node:http, see startScriptedMcpServer) for hostile tool listings and
 * output schemas: it lists what `listing` writes and answers every call with `structured`.
 */
export function startHostileToolServer(
  options: HostileToolServerOptions,
): Promise<ScriptedMcpServerHandle> {
  return startScriptedMcpServer(({ res, message }) => {
    if (message.method === 'tools/list') {
      const cursor = message.params?.cursor as string | undefined;
      return writeResult(res, message.id, options.listing(cursor));
    }
    if (message.method === 'tools/call') {
      const name = String(message.params?.name);
      const result = { content: [], structuredContent: options.structured?.(name) ?? {} };
      return writeResult(res, message.id, JSON.stringify(result));
    }
    writeResult(res, message.id, '{}');
  });
}

/** A listing of one page holding `tools`, each written with JSON.stringify. */
export const onePage =
  (...tools: unknown[]) =>
  (): string =>
    JSON.stringify({ tools });

/** A 2026-07-28 answer (for startRawModernServer) whose result is `resultJson`, as it is. */
export const rawModernResult =
  (resultJson: string) =>
  (res: ServerResponse, message: RawModernMessage): void =>
    writeResult(res, message.id, resultJson);

/** `[[[…]]]`, `depth` levels, as JSON text. */
export const deepArrayJson = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

function writeResult(
  res: ServerResponse,
  id: string | number | null | undefined,
  resultJson: string,
): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`{"jsonrpc":"2.0","id":${JSON.stringify(id ?? null)},"result":${resultJson}}`);
}

import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { abortableDelay } from '../../apps/sample/src/demo-server/abortable-delay.js';
import {
  parseJsonRpcBody,
  readRequestText,
} from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { StatefulSessions } from '../../apps/sample/src/demo-server/stateful-sessions.js';

/** The tools, with what they tell clients about repeating them. */
export const COUNTING_TOOLS: Readonly<Record<string, ToolAnnotations | undefined>> = {
  pay: undefined,
  lookup: { readOnlyHint: true },
  upsert: { idempotentHint: true },
};

export interface CountingToolsServer {
  /** `http://127.0.0.1:<port>/mcp` */
  readonly url: string;
  /** Executions of `tool` so far (counted when the tool starts, before any delay). */
  executions(tool: string): number;
  /** Executions by the `id` argument (`<tool>:<id>`), for call-by-call accounting. */
  executionsById(): ReadonlyMap<string, number>;
  /** The next execution of `tool` waits `ms` (abortably: a cancelled call stops waiting). */
  slowNext(tool: string, ms: number): void;
  /** Forgets every count and pending delay. */
  reset(): void;
  /** Sessions open now: initialized and not yet ended (by a DELETE or `dropSessions`). */
  liveSessions(): number;
  /** Closes every session: old session ids then get 404. */
  dropSessions(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An official-SDK MCP server (stateful Streamable HTTP, SSE answers) whose tools pay, lookup
 * and upsert count each execution: the side effect a retry must not repeat. `tools` changes
 * what the tools tell clients (e.g. a server whose `pay` claims to be read-only).
 */
export async function startCountingToolsServer(
  tools: Readonly<Record<string, ToolAnnotations | undefined>> = COUNTING_TOOLS,
): Promise<CountingToolsServer> {
  const byTool = new Map<string, number>();
  const byId = new Map<string, number>();
  const delays = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string): number => {
    const n = (map.get(key) ?? 0) + 1;
    map.set(key, n);
    return n;
  };
  const newServer = (): McpServer => {
    const mcp = new McpServer({ name: 'counting-tools', version: '1.0.0' });
    for (const [name, annotations] of Object.entries(tools)) {
      const config = { inputSchema: { id: z.string().optional() }, annotations };
      mcp.registerTool(name, config, async ({ id }, extra) => {
        bump(byTool, name);
        if (id !== undefined) bump(byId, `${name}:${id}`);
        const delay = delays.get(name);
        delays.delete(name);
        if (delay !== undefined) await abortableDelay(delay, extra.signal);
        return { content: [{ type: 'text', text: id ?? name }] };
      });
    }
    return mcp;
  };
  const sessions = new StatefulSessions(newServer, {});
  const server = createServer((req, res) => {
    void (async () => {
      const body =
        req.method === 'POST' ? parseJsonRpcBody(await readRequestText(req)).body : undefined;
      await sessions.handle(req, res, body);
    })().catch(() => (res.headersSent ? res.destroy() : res.writeHead(500).end()));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    executions: (tool) => byTool.get(tool) ?? 0,
    executionsById: () => byId,
    slowNext: (tool, ms) => void delays.set(tool, ms),
    reset: () => [byTool, byId, delays].forEach((map) => map.clear()),
    liveSessions: () => sessions.count(),
    dropSessions: () => sessions.closeAll(),
    close: () =>
      (closing ??= sessions.closeAll().then(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      )),
  };
}

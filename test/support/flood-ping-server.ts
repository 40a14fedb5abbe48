import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestText } from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { serveOnLoopback } from './loopback-server.js';
import type { RawMessage } from './raw-mcp-server/raw-mcp-server.interface.js';

export interface FloodPingServerHandle {
  readonly url: string;
  /** The client's answers to the pings so far. */
  replies(): number;
  /** Resolves once the client has answered `count` pings in all. */
  untilReplies(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A 2025-era MCP server on node:http that keeps the client answering pings on the session's GET
 * stream: `inFlight` at first, then one more for each answer, so the client always has a few to
 * answer and none is dropped. It keeps nothing it is sent: memory measured in the test's process
 * is the client's.
 */
export async function startFloodPingServer(inFlight = 16): Promise<FloodPingServerHandle> {
  let stream: ServerResponse | undefined;
  let pings = 0;
  let replies = 0;
  const waiters = new Set<{ count: number; resolve: () => void }>();

  const ping = (): void => {
    pings += 1;
    stream?.write(`data: {"jsonrpc":"2.0","id":${pings},"method":"ping"}\n\n`);
  };
  const onReply = (): void => {
    replies += 1;
    for (const waiter of waiters) {
      if (replies < waiter.count) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
    ping();
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const onPost = (res: ServerResponse, message: RawMessage): void => {
    if (message.method === undefined) {
      res.writeHead(202).end();
      onReply();
      return;
    }
    if (message.id === undefined) return void res.writeHead(202).end();
    if (message.method === 'server/discover') {
      return json(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'no' } });
    }
    if (message.method === 'initialize') {
      const result = {
        protocolVersion: message.params?.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: 'flood-ping', version: '1.0.0' },
      };
      return json(res, 200, { jsonrpc: '2.0', id: message.id, result }, { 'mcp-session-id': 'f1' });
    }
    json(res, 200, { jsonrpc: '2.0', id: message.id, result: {} });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      stream = res;
      for (let i = 0; i < inFlight; i += 1) ping();
      return;
    }
    if (req.method === 'DELETE') return void res.writeHead(200).end();
    onPost(res, JSON.parse(await readRequestText(req)) as RawMessage);
  };

  const server = await serveOnLoopback(handle);
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    replies: () => replies,
    untilReplies: (count) =>
      replies >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.add({ count, resolve })),
    close: () => server.close(),
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestText } from '../../apps/sample/src/demo-server/json-rpc-body.js';
import { serveOnLoopback } from './loopback-server.js';
import type { RawMessage } from './raw-mcp-server/raw-mcp-server.interface.js';

export interface PingFloodServerHandle {
  readonly url: string;
  /** The client's answers (POSTs with an id and no method) received so far, all held unanswered. */
  replies(): number;
  /** Answers every held reply with 202. */
  releaseReplies(): void;
  /** Sends `count` pings on the session's GET stream; false while the client has not opened it. */
  pingOnGetStream(count: number): boolean;
  /** Sends `count` requests of `method` (no params) on the session's GET stream, as pings are. */
  requestOnGetStream(method: string, count: number): boolean;
  close(): Promise<void>;
}

/** `count` requests (pings by default) as SSE events, with ids unique to `prefix`. */
function pings(prefix: string, count: number, method = 'ping'): string {
  let text = '';
  for (let i = 0; i < count; i += 1) {
    text += `data: {"jsonrpc":"2.0","id":"${prefix}-${i}","method":"${method}"}\n\n`;
  }
  return text;
}

/**
 * A 2025-era MCP server on node:http that floods the client with `ping` requests: every
 * `tools/call` stream carries `pingsPerCall` of them before its result, and the GET stream
 * carries what the test sends. The client's answers are held without a response, so the number
 * received is the number the client has in flight at once.
 */
export async function startPingFloodServer(pingsPerCall: number): Promise<PingFloodServerHandle> {
  const held: ServerResponse[] = [];
  let replies = 0;
  let calls = 0;
  let getStream: ServerResponse | undefined;

  const onPost = (res: ServerResponse, message: RawMessage): void => {
    const json = (status: number, body?: unknown, headers = {}): void => {
      res.writeHead(status, { ...headers, 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (message.method === undefined) {
      replies += 1;
      held.push(res);
      return;
    }
    if (message.id === undefined) return json(202);
    if (message.method === 'server/discover') {
      return json(400, { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'no' } });
    }
    if (message.method === 'initialize') {
      const result = {
        protocolVersion: message.params?.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: 'ping-flood', version: '1.0.0' },
      };
      return json(200, { jsonrpc: '2.0', id: message.id, result }, { 'mcp-session-id': 'flood' });
    }
    calls += 1;
    const result = { content: [{ type: 'text', text: 'done' }] };
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(
      pings(`call${calls}`, pingsPerCall) +
        `data: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n\n`,
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      getStream = res;
      return;
    }
    if (req.method === 'DELETE') return void res.writeHead(200).end();
    onPost(res, JSON.parse(await readRequestText(req)) as RawMessage);
  };

  const server = await serveOnLoopback(handle);
  let sent = 0;
  return {
    url: `http://127.0.0.1:${server.port}/mcp`,
    replies: () => replies,
    releaseReplies: () => {
      for (const res of held.splice(0)) res.writeHead(202).end();
    },
    pingOnGetStream: (count) => {
      if (!getStream) return false;
      sent += 1;
      getStream.write(pings(`get${sent}`, count));
      return true;
    },
    requestOnGetStream: (method, count) => {
      if (!getStream) return false;
      sent += 1;
      getStream.write(pings(`get${sent}`, count, method));
      return true;
    },
    close: () => server.close(),
  };
}

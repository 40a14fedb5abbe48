import type { IncomingMessage, ServerResponse } from 'node:http';
import { startScriptedMcpServer, type ScriptedRequest } from '../scripted-mcp-server.js';
import { sendJson } from './http-io.js';
import type { OAuthTestServerHandle } from './oauth-test-server.interface.js';

const PRM_PATH = '/.well-known/oauth-protected-resource/mcp';

export interface ResumableServerOptions {
  /** A token that carried an accepted `tools/call` is refused from then on. Default false. */
  revokeAfterCall?: boolean;
  /** Every GET gets 401, whatever its token. Default false. */
  refuseEveryGet?: boolean;
  /**
   * What protected-resource metadata requests after the first get: `hang` leaves them without
   * an answer, `missing` answers 404. Default `answered`.
   */
  laterMetadata?: 'answered' | 'hang' | 'missing';
  /** How long a call's stream stays open after its priming event, in ms. Default 0. */
  holdCallStreamMs?: number;
}

/** One GET to the MCP endpoint (a resumption carries `lastEventId`). */
export interface GetRecord {
  authorization?: string;
  lastEventId?: string;
  status: number;
}

export interface ResumableServer {
  readonly url: string;
  /** Every GET to the MCP endpoint, in order. */
  readonly gets: GetRecord[];
  /** The Authorization header of every `tools/call` POST (`none` without one). */
  readonly callPosts: string[];
  /** Protected-resource metadata requests received (one per OAuth flow). */
  readonly metadataRequests: number;
  /** The JSON-RPC responses the client POSTed (to the server's own requests). */
  readonly responses: () => unknown[];
  close(): Promise<void>;
}

/**
 * A 2025-era MCP server on 127.0.0.1 protected by `oauth` (its tokens are the ones `oauth`
 * issued and this server did not revoke). A `tools/call` is accepted with an SSE stream that
 * ends after its priming event; the answer comes on the resumption GET (`Last-Event-ID`). The
 * session GET stream, opened with a good token, sends a `ping`.
 */
export async function startResumableServer(
  oauth: OAuthTestServerHandle,
  options: ResumableServerOptions = {},
): Promise<ResumableServer> {
  const gets: GetRecord[] = [];
  const callPosts: string[] = [];
  const revoked = new Set<string>();
  const pending: Array<string | number> = [];
  let metadataRequests = 0;
  // Known once the server listens; only read by requests, which come after.
  let url = '';
  const valid = (req: IncomingMessage): string | undefined => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return token && oauth.issuedTokens.includes(token) && !revoked.has(token) ? token : undefined;
  };
  const challenge = (res: ServerResponse, error?: string): void => {
    const errorParam = error ? `error="${error}", ` : '';
    const header = `Bearer ${errorParam}resource_metadata="${new URL(url).origin}${PRM_PATH}"`;
    sendJson(res, 401, { error: error ?? 'unauthorized' }, { 'www-authenticate': header });
  };

  const answer = ({ req, res, message }: ScriptedRequest): void => {
    if (message.method === 'tools/call') callPosts.push(req.headers.authorization ?? 'none');
    const token = valid(req);
    if (!token) return challenge(res, req.headers.authorization ? 'invalid_token' : undefined);
    if (message.method !== 'tools/call') {
      return sendJson(res, 200, { jsonrpc: '2.0', id: message.id, result: {} });
    }
    pending.push(message.id as string | number);
    if (options.revokeAfterCall) revoked.add(token);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('id: ev-1\nretry: 10\ndata: \n\n');
    setTimeout(() => res.end(), options.holdCallStreamMs ?? 0);
  };

  const onGet = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', url).pathname;
    if (path !== PRM_PATH && path !== new URL(url).pathname) {
      return sendJson(res, 404, { error: 'not_found' });
    }
    if (path === PRM_PATH) {
      metadataRequests += 1;
      const later = metadataRequests > 1 ? (options.laterMetadata ?? 'answered') : 'answered';
      // `hang`: left without an answer until the client gives up.
      if (later === 'hang') return;
      if (later === 'missing') return sendJson(res, 404, { error: 'not_found' });
      return sendJson(res, 200, { resource: url, authorization_servers: [oauth.issuer] });
    }
    const lastEventId = req.headers['last-event-id'] as string | undefined;
    const record: GetRecord = {
      authorization: req.headers.authorization,
      lastEventId,
      status: 401,
    };
    gets.push(record);
    if (options.refuseEveryGet || !valid(req)) return challenge(res, 'invalid_token');
    record.status = 200;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (lastEventId === undefined) {
      // The session stream: a request of the server's own, then it stays open.
      res.write('id: s-1\ndata: {"jsonrpc":"2.0","id":"server-ping-1","method":"ping"}\n\n');
      return;
    }
    const result = { content: [{ type: 'text', text: 'resumed answer' }] };
    const data = JSON.stringify({ jsonrpc: '2.0', id: pending.shift(), result });
    res.end(`id: ev-2\ndata: ${data}\n\n`);
  };

  const mcp = await startScriptedMcpServer(answer, onGet);
  url = mcp.url;
  return {
    url,
    gets,
    callPosts,
    get metadataRequests() {
      return metadataRequests;
    },
    responses: () =>
      mcp.posts
        .map((post) => post.message)
        .filter((message) => message.method === undefined && message.id !== undefined),
    close: () => mcp.close(),
  };
}

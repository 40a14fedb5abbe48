import type { ServerResponse } from 'node:http';
import { serveOnLoopback } from '../loopback-server.js';
import { sendJson } from './http-io.js';

const PRM_PATH = '/.well-known/oauth-protected-resource/mcp';
const AS_METADATA_PATH = '/.well-known/oauth-authorization-server';

export interface SlowAuthorizationServerOptions {
  /** How long each metadata answer (protected resource, authorization server) waits, in ms. */
  metadataDelayMs: number;
  /** How long the token answer waits, in ms. */
  tokenDelayMs: number;
  /** The token endpoint answers 401 `invalid_client` instead of a token. Default false. */
  refuseToken?: boolean;
  /** `expires_in` of the token, in seconds. Default: none (it never expires). */
  expiresInSeconds?: number;
  /** The first token request is answered at once; only later ones wait. Default false. */
  slowAfterFirstToken?: boolean;
  /**
   * The MCP endpoint takes the token: a request with it is answered as a stateful MCP server
   * (initialize opens a session; HTTP DELETE ends it). Default false: every request gets 401.
   */
  acceptToken?: boolean;
}

export interface SlowAuthorizationServer {
  /** The MCP endpoint: it answers every request 401, so each call runs the OAuth flow. */
  readonly url: string;
  /** The authorization server's issuer (the same origin). */
  readonly issuer: string;
  /** The path of every OAuth request received, in order. */
  readonly requests: string[];
  /** The path of every OAuth request whose connection the client closed before the answer. */
  readonly abandoned: string[];
  /** Sessions ended by HTTP DELETE (with `acceptToken`). */
  readonly deletedSessions: string[];
  close(): Promise<void>;
}

/**
 * An MCP server that refuses every request with 401, and is its own authorization server on
 * 127.0.0.1: slow metadata and a slow token endpoint (client_credentials, token `at_ok`).
 */
export async function startSlowAuthorizationServer(
  options: SlowAuthorizationServerOptions,
): Promise<SlowAuthorizationServer> {
  const requests: string[] = [];
  const abandoned: string[] = [];
  const deletedSessions: string[] = [];
  let issuer = '';
  let tokensAnswered = 0;

  /** Answers after `delayMs`, unless the client closes the connection first. */
  const answerLate = async (
    path: string,
    res: ServerResponse,
    delayMs: number,
    [status, body]: [number, unknown],
  ) => {
    requests.push(path);
    if (await closedWithin(res, delayMs)) abandoned.push(path);
    else sendJson(res, status, body);
  };

  const server = await serveOnLoopback(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const path = new URL(req.url ?? '/', issuer).pathname;
    switch (path) {
      case '/mcp':
        if (options.acceptToken && req.headers.authorization === `Bearer ${TOKEN}`) {
          answerMcp(req.method, req.headers['mcp-session-id'], body, res, deletedSessions);
        } else {
          res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
        }
        return;
      case PRM_PATH:
        return answerLate(path, res, options.metadataDelayMs, [
          200,
          { resource: `${issuer}/mcp`, authorization_servers: [issuer] },
        ]);
      case AS_METADATA_PATH:
        return answerLate(path, res, options.metadataDelayMs, [
          200,
          {
            issuer,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            response_types_supported: ['code'],
            grant_types_supported: ['client_credentials'],
          },
        ]);
      case '/token': {
        const first = tokensAnswered++ === 0;
        const delayMs = first && options.slowAfterFirstToken ? 0 : options.tokenDelayMs;
        return answerLate(path, res, delayMs, tokenAnswer(options));
      }
      default:
        res.writeHead(404).end();
    }
  });
  issuer = `http://127.0.0.1:${server.port}`;
  return {
    url: `${issuer}/mcp`,
    issuer,
    requests,
    abandoned,
    deletedSessions,
    close: () => server.close(),
  };
}

const TOKEN = 'at_ok';
const SESSION_ID = 'session-1';

function tokenAnswer(options: SlowAuthorizationServerOptions): [number, unknown] {
  if (options.refuseToken) {
    return [401, { error: 'invalid_client', error_description: 'unknown client' }];
  }
  return [200, { access_token: TOKEN, token_type: 'bearer', expires_in: options.expiresInSeconds }];
}

/** The least of a stateful MCP server: one session, its requests answered with empty results. */
function answerMcp(
  method: string | undefined,
  sessionId: string | string[] | undefined,
  body: string,
  res: ServerResponse,
  deletedSessions: string[],
): void {
  if (method === 'DELETE') {
    deletedSessions.push(String(sessionId));
    res.writeHead(200).end();
    return;
  }
  const message = JSON.parse(body) as {
    id?: number;
    method: string;
    params?: { protocolVersion?: string };
  };
  if (message.id === undefined) {
    res.writeHead(202).end();
    return;
  }
  const result =
    message.method === 'initialize'
      ? {
          protocolVersion: message.params?.protocolVersion,
          capabilities: { tools: {} },
          serverInfo: { name: 'token-gated', version: '1.0.0' },
        }
      : {};
  res
    .writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': SESSION_ID })
    .end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
}

/** Resolves true when the client closes `res` within `ms`, false when `ms` passes first. */
function closedWithin(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(false);
    }, ms);
    res.once('close', onClose);
  });
}

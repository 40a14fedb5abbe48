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
  let issuer = '';

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
    for await (const chunk of req) void chunk;
    const path = new URL(req.url ?? '/', issuer).pathname;
    switch (path) {
      case '/mcp':
        res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
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
      case '/token':
        return answerLate(path, res, options.tokenDelayMs, tokenAnswer(options.refuseToken));
      default:
        res.writeHead(404).end();
    }
  });
  issuer = `http://127.0.0.1:${server.port}`;
  return { url: `${issuer}/mcp`, issuer, requests, abandoned, close: () => server.close() };
}

function tokenAnswer(refuse = false): [number, unknown] {
  if (refuse) return [401, { error: 'invalid_client', error_description: 'unknown client' }];
  return [200, { access_token: 'at_ok', token_type: 'bearer' }];
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

import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveOnLoopback } from '../loopback-server.js';
import { startScriptedMcpServer } from '../scripted-mcp-server.js';
import { AuthorizationCodes } from './authorization-codes.js';
import { sendJson } from './http-io.js';
import { OAuthClientAuthenticator } from './oauth-client-auth.js';
import type { OAuthTestClient, TokenRequestRecord } from './oauth-test-server.interface.js';
import { handleTokenRequest } from './oauth-token-endpoint.js';
import { OAuthTokenStore } from './oauth-token-store.js';

const PRM_PATH = '/.well-known/oauth-protected-resource/mcp';

export interface StepUpServerOptions {
  /** The client the authorization server knows (client_secret_basic or _post). */
  client: OAuthTestClient;
  /** The scope each tool needs; a call without it gets 403 with `challenge`. */
  toolScopes: Record<string, string>;
  /** The WWW-Authenticate header fields of that 403, given the scope and the metadata URL. */
  challenge(scope: string, resourceMetadataUrl: string): string | string[];
}

export interface StepUpServer {
  /** The MCP endpoint. */
  readonly url: string;
  /** The authorization server (another origin of 127.0.0.1). */
  readonly issuer: string;
  readonly tokenRequests: TokenRequestRecord[];
  /** The HTTP status of each `tools/call`, in order. */
  readonly callStatuses: number[];
  close(): Promise<void>;
}

/**
 * A 2025-era MCP server on 127.0.0.1 and its authorization server (the test server's own token
 * endpoint, client credentials) on another port. A tool call whose token lacks the tool's scope
 * gets 403 with the WWW-Authenticate the test writes.
 */
export async function startStepUpServer(options: StepUpServerOptions): Promise<StepUpServer> {
  const tokens = new OAuthTokenStore(3600);
  const tokenRequests: TokenRequestRecord[] = [];
  const callStatuses: number[] = [];
  let issuer = '';
  const as = await serveOnLoopback(async (req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (path === '/.well-known/oauth-authorization-server') {
      return sendJson(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      });
    }
    if (path !== '/token') return sendJson(res, 404, { error: 'not_found' });
    const clients = new Map([[options.client.clientId, options.client]]);
    const authenticator = new OAuthClientAuthenticator(
      clients,
      ['client_secret_basic', 'client_secret_post'],
      [issuer],
    );
    await handleTokenRequest(
      {
        authenticator,
        tokens,
        codes: new AuthorizationCodes(),
        records: tokenRequests,
        echoCredentialsInErrors: false,
        outage: { down: false },
      },
      req,
      res,
    );
  });
  issuer = `http://127.0.0.1:${as.port}`;

  let metadataUrl = '';
  const mcp = await startScriptedMcpServer(
    ({ req, res, message }) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const info = token ? tokens.verify(token) : undefined;
      const tool = message.method === 'tools/call' ? String(message.params?.name) : undefined;
      const status = (code: number): void => void (tool && callStatuses.push(code));
      if (!info) {
        status(401);
        const challenge = `Bearer resource_metadata="${metadataUrl}"`;
        return sendJson(res, 401, { error: 'unauthorized' }, { 'www-authenticate': challenge });
      }
      const needed = tool ? options.toolScopes[tool] : undefined;
      if (needed && !info.scopes.includes(needed)) {
        status(403);
        return forbid(res, options.challenge(needed, metadataUrl));
      }
      status(200);
      const result = { content: [{ type: 'text', text: `${tool ?? message.method} done` }] };
      sendJson(res, 200, { jsonrpc: '2.0', id: message.id, result });
    },
    (req: IncomingMessage, res: ServerResponse) => {
      if (new URL(req.url ?? '/', issuer).pathname !== PRM_PATH)
        return void res.writeHead(405).end();
      sendJson(res, 200, { resource: mcp.url, authorization_servers: [issuer] });
    },
  );
  metadataUrl = `${new URL(mcp.url).origin}${PRM_PATH}`;
  return {
    url: mcp.url,
    issuer,
    tokenRequests,
    callStatuses,
    close: async () => {
      await mcp.close();
      await as.close();
    },
  };
}

/** A 403 with each of `challenge` as a WWW-Authenticate field of its own. */
function forbid(res: ServerResponse, challenge: string | string[]): void {
  res.writeHead(403, { 'content-type': 'application/json', 'www-authenticate': challenge });
  res.end(JSON.stringify({ error: 'insufficient_scope' }));
}

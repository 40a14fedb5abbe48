import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { AuthorizationCodes } from './authorization-codes.js';
import { sendJson } from './http-io.js';
import { handleAuthorize, handleRegister, type RedirectUris } from './oauth-authorize-endpoint.js';
import { OAuthClientAuthenticator } from './oauth-client-auth.js';
import type {
  McpRequestRecord,
  MetadataRewrite,
  OAuthTestClient,
  OAuthTestServerHandle,
  OAuthTestServerOptions,
  TokenRequestRecord,
} from './oauth-test-server.interface.js';
import { handleTokenRequest } from './oauth-token-endpoint.js';
import { OAuthTokenStore } from './oauth-token-store.js';
import { ProtectedMcpEndpoint } from './protected-mcp-endpoint.js';

const HOST = '127.0.0.1';
const MCP_PATH = '/mcp';
const PRM_PATH = `/.well-known/oauth-protected-resource${MCP_PATH}`;

/**
 * An OAuth 2.1 authorization server and an OAuth-protected MCP server (official SDK) on one
 * port of 127.0.0.1: protected-resource and authorization-server metadata, /token, /authorize,
 * /register and /mcp. It records every token and MCP request for the tests to count.
 */
export async function startOAuthTestServer(
  options: OAuthTestServerOptions = {},
): Promise<OAuthTestServerHandle> {
  const server = options.tls ? createTlsServer(options.tls) : createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const scheme = options.tls ? 'https' : 'http';
  const issuer = `${scheme}://${HOST}:${(server.address() as AddressInfo).port}`;
  const url = `${issuer}${MCP_PATH}`;
  const clients = new Map<string, OAuthTestClient>(
    (options.clients ?? []).map((client) => [client.clientId, client]),
  );
  const redirects: RedirectUris = new Map();
  const codes = new AuthorizationCodes();
  const tokens = new OAuthTokenStore(options.expiresInSeconds ?? 3600);
  const tokenRequests: TokenRequestRecord[] = [];
  const mcpRequests: McpRequestRecord[] = [];
  const authMethods = options.authMethods ?? [
    'client_secret_basic',
    'client_secret_post',
    'private_key_jwt',
    'none',
  ];
  const authenticator = new OAuthClientAuthenticator(clients, authMethods, [
    issuer,
    `${issuer}/token`,
  ]);
  const mcp = new ProtectedMcpEndpoint({
    tokens,
    resourceUrl: url,
    resourceMetadataUrl: options.legacyDiscovery ? undefined : `${issuer}${PRM_PATH}`,
    toolScopes: options.toolScopes ?? { admin_action: 'mcp:admin', root_action: 'mcp:root' },
    unavailableTools: options.unavailableTools ?? [],
    echoTokenInToolsList: options.echoTokenInToolsList ?? false,
    records: mcpRequests,
  });
  const registeredScopes = options.registeredClientScopes ?? ['mcp:read', 'mcp:admin'];
  let registrations = 0;
  const outage = { down: false };
  const metadataOutage = { down: false };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', issuer);
    switch (`${req.method} ${path.pathname}`) {
      case `GET ${PRM_PATH}`:
        if (metadataOutage.down) return sendJson(res, 503, { error: 'temporarily_unavailable' });
        if (options.legacyDiscovery) return sendJson(res, 404, { error: 'not_found' });
        return sendMetadata(res, options.protectedResourceMetadata, {
          resource: url,
          authorization_servers: [issuer],
          scopes_supported: ['mcp:read', 'mcp:admin'],
          bearer_methods_supported: ['header'],
        });
      case 'GET /.well-known/oauth-authorization-server':
        return sendMetadata(res, options.authorizationServerMetadata, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          registration_endpoint: `${issuer}/register`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
          token_endpoint_auth_methods_supported: authMethods,
          token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
          code_challenge_methods_supported: ['S256'],
          scopes_supported: ['mcp:read', 'mcp:admin'],
        });
      case 'POST /token':
        if (outage.down && options.tokenOutage) {
          return options.tokenOutage.answer(req, res, tokenRequests);
        }
        return handleTokenRequest(
          {
            authenticator,
            tokens,
            codes,
            records: tokenRequests,
            echoCredentialsInErrors: options.echoCredentialsInErrors ?? false,
            outage,
          },
          req,
          res,
        );
      case 'GET /authorize':
        return handleAuthorize({ clients, redirects, codes }, path, res);
      case 'POST /register':
        registrations += 1;
        return handleRegister({ clients, redirects, scopes: registeredScopes }, req, res);
      default:
        if (path.pathname === MCP_PATH) return mcp.handle(req, res);
        return sendJson(res, 404, { error: 'not_found' });
    }
  };
  const clientPorts: number[] = [];
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (socket.remotePort !== undefined) clientPorts.push(socket.remotePort);
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: 'server_error' });
    });
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    issuer,
    tokenRequests,
    mcpRequests,
    issuedTokens: tokens.issued,
    clientPorts,
    get registrations() {
      return registrations;
    },
    revokeAccessTokens: () => tokens.revokeAccessTokens(),
    setTokenEndpointDown: (down) => void (outage.down = down),
    setResourceMetadataDown: (down) => void (metadataOutage.down = down),
    clearRecords: () => {
      tokenRequests.length = 0;
      mcpRequests.length = 0;
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** The metadata document `rewrite` makes of `document`; 404 when it makes none. */
function sendMetadata(
  res: ServerResponse,
  rewrite: MetadataRewrite | undefined,
  document: Record<string, unknown>,
): void {
  const served = rewrite ? rewrite(document) : document;
  if (served) sendJson(res, 200, served);
  else sendJson(res, 404, { error: 'not_found' });
}

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizationCodes } from './authorization-codes.js';
import { readText, sendJson, sendOAuthError } from './http-io.js';
import { grantable } from './oauth-token-endpoint.js';
import type { OAuthTestClient } from './oauth-test-server.interface.js';

/** A registered client's redirect URIs, next to what the token endpoint knows of it. */
export type RedirectUris = Map<string, string[]>;

/**
 * GET /authorize: the user consents at once. Redirects to the client's registered
 * redirect_uri with a code bound to the PKCE S256 challenge, the scope and the resource.
 */
export function handleAuthorize(
  deps: {
    clients: Map<string, OAuthTestClient>;
    redirects: RedirectUris;
    codes: AuthorizationCodes;
  },
  url: URL,
  res: ServerResponse,
): void {
  const query = url.searchParams;
  const client = deps.clients.get(query.get('client_id') ?? '');
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!client || !deps.redirects.get(client.clientId)?.includes(redirectUri)) {
    return sendOAuthError(res, 400, 'invalid_request', 'unknown client or redirect_uri');
  }
  const challenge = query.get('code_challenge');
  if (
    query.get('response_type') !== 'code' ||
    !challenge ||
    query.get('code_challenge_method') !== 'S256'
  ) {
    return sendOAuthError(res, 400, 'invalid_request', 'response_type=code with S256 PKCE only');
  }
  const code = deps.codes.create({
    clientId: client.clientId,
    redirectUri,
    codeChallenge: challenge,
    scopes: grantable(client, query.get('scope') ?? 'mcp:read'),
    resource: query.get('resource') ?? undefined,
  });
  const location = new URL(redirectUri);
  location.searchParams.set('code', code);
  const state = query.get('state');
  if (state) location.searchParams.set('state', state);
  res.writeHead(302, { location: location.toString() }).end();
}

/** POST /register: dynamic client registration (RFC 7591). */
export async function handleRegister(
  deps: { clients: Map<string, OAuthTestClient>; redirects: RedirectUris; scopes: string[] },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const metadata = JSON.parse(await readText(req)) as Record<string, unknown>;
  const redirectUris = Array.isArray(metadata.redirect_uris)
    ? metadata.redirect_uris.map(String)
    : [];
  const method = metadata.token_endpoint_auth_method === 'none' ? 'none' : 'client_secret_basic';
  const clientId = `dyn_${randomBytes(8).toString('hex')}`;
  const secret = method === 'none' ? undefined : randomBytes(24).toString('base64url');
  deps.clients.set(clientId, { clientId, secret, scopes: deps.scopes });
  deps.redirects.set(clientId, redirectUris);
  sendJson(res, 201, {
    ...metadata,
    client_id: clientId,
    client_id_issued_at: Math.floor(Date.now() / 1000),
    token_endpoint_auth_method: method,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
  });
}

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readText, sendJson, sendOAuthError } from './http-io.js';
import type { AuthorizationCodes } from './authorization-codes.js';
import { ClientAuthFailure, type OAuthClientAuthenticator } from './oauth-client-auth.js';
import type { OAuthTestClient, TokenRequestRecord } from './oauth-test-server.interface.js';
import type { OAuthTokenStore } from './oauth-token-store.js';

const DEFAULT_SCOPE = 'mcp:read';

interface TokenEndpointDeps {
  authenticator: OAuthClientAuthenticator;
  tokens: OAuthTokenStore;
  codes: AuthorizationCodes;
  records: TokenRequestRecord[];
  echoCredentialsInErrors: boolean;
  /** While true, every token request gets 503 temporarily_unavailable. */
  outage: { down: boolean };
}

/** POST /token: client_credentials, authorization_code (PKCE S256) and refresh_token grants. */
export async function handleTokenRequest(
  deps: TokenEndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const form = new URLSearchParams(await readText(req));
  const record: TokenRequestRecord = {
    grantType: form.get('grant_type') ?? '',
    scope: form.get('scope') ?? undefined,
    resource: form.get('resource') ?? undefined,
    status: 400,
  };
  deps.records.push(record);
  if (deps.outage.down) {
    record.status = 503;
    return sendOAuthError(res, 503, 'temporarily_unavailable', 'down for maintenance');
  }
  let client: OAuthTestClient;
  try {
    const authenticated = await deps.authenticator.authenticate(req, form);
    client = authenticated.client;
    record.clientId = client.clientId;
    record.authMethod = authenticated.method;
  } catch (error) {
    record.status = 401;
    const failure = error instanceof ClientAuthFailure ? error : undefined;
    const echo = deps.echoCredentialsInErrors && failure ? ` (got "${failure.presented}")` : '';
    return sendOAuthError(res, 401, 'invalid_client', `client authentication failed${echo}`);
  }
  const grant = grantFor(deps, client, form, record.resource);
  if ('error' in grant) return sendOAuthError(res, 400, grant.error, grant.description);
  record.status = 200;
  sendJson(res, 200, deps.tokens.issue(grant.grant, grant.refresh));
}

type GrantResult =
  | { grant: { clientId: string; scopes: string[]; resource?: string }; refresh: boolean }
  | { error: string; description: string };

function grantFor(
  deps: TokenEndpointDeps,
  client: OAuthTestClient,
  form: URLSearchParams,
  resource: string | undefined,
): GrantResult {
  const clientId = client.clientId;
  switch (form.get('grant_type')) {
    case 'client_credentials': {
      if (!client.secret && !client.publicKey) {
        return { error: 'unauthorized_client', description: 'public clients cannot' };
      }
      const scopes = grantable(client, form.get('scope') ?? DEFAULT_SCOPE);
      return { grant: { clientId, scopes, resource }, refresh: false };
    }
    case 'authorization_code': {
      const code = deps.codes.redeem(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        !code ||
        code.clientId !== clientId ||
        code.redirectUri !== form.get('redirect_uri') ||
        code.codeChallenge !== challenge
      ) {
        return { error: 'invalid_grant', description: 'bad code, redirect_uri or code_verifier' };
      }
      return { grant: { clientId, scopes: code.scopes, resource: code.resource }, refresh: true };
    }
    case 'refresh_token': {
      const previous = deps.tokens.redeemRefresh(form.get('refresh_token') ?? '');
      if (!previous || previous.clientId !== clientId) {
        return { error: 'invalid_grant', description: 'unknown refresh token' };
      }
      return { grant: previous, refresh: true };
    }
    default:
      return { error: 'unsupported_grant_type', description: 'not supported here' };
  }
}

/** The scopes of `requested` the client may have. */
export function grantable(client: OAuthTestClient, requested: string): string[] {
  return requested.split(/\s+/).filter((scope) => client.scopes.includes(scope));
}

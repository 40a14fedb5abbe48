import {
  fetchToken,
  type OAuthClientProvider,
  selectResourceURL,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { InteractiveOAuthClientProvider } from '../options/auth-options.interface.js';
import { checkedCode } from './authorization-response.js';
import type { FlowProvider } from './flow-provider.js';
import { untilAborted } from './until-aborted.js';

export interface CodeExchange {
  /** The MCP server's URL (the protected resource). */
  serverUrl: string;
  fetchFn: FetchLike;
  /** Receives the authorization code and the PKCE verifier, to keep them out of errors. */
  secrets: string[];
  /** Aborts once no call waits for the user any more. */
  signal: AbortSignal;
}

/**
 * After the SDK sent the user to authorize: waits for the app's `authorizationCode()` (left as
 * soon as `signal` aborts: a user who never comes back holds no later flow), checks the
 * response's issuer (checkedCode), then exchanges the code in one token request, the SDK's `fetchToken`, and saves the tokens as `auth()` does.
 * `auth()` itself would post the same code again after an `invalid_grant` (it retries once);
 * RFC 6749 4.1.2 lets a code be used once.
 */
export async function exchangeCodeOnce(
  app: InteractiveOAuthClientProvider,
  flow: FlowProvider,
  { serverUrl, fetchFn, secrets, signal }: CodeExchange,
): Promise<void> {
  // Nobody waits any more: the app is not asked for a code no call would use.
  signal.throwIfAborted();
  const response = await untilAborted(app.authorizationCode(signal), signal);
  secrets.push(typeof response === 'string' ? response : response.code, await app.codeVerifier());
  // auth() discovers (and saves, or reads a saved state) before it sends anyone to authorize.
  if (!flow.discovery) throw new Error('no discovery state to exchange the code with');
  const { authorizationServerUrl, authorizationServerMetadata, resourceMetadata } = flow.discovery;
  const authorizationCode = checkedCode(response, authorizationServerMetadata);
  const provider = flow.provider;
  const tokens = await fetchToken(provider, authorizationServerUrl, {
    metadata: authorizationServerMetadata,
    resource: await resourceOf(provider, serverUrl, resourceMetadata),
    authorizationCode,
    fetchFn,
  });
  // Stamped with the authorization server, as auth() stores them (it checks the stamp later).
  await provider.saveTokens({ ...tokens, issuer: String(authorizationServerUrl) });
}

/**
 * The `resource` auth() sent in the authorization request: the metadata's as written, or the
 * provider's own choice.
 */
async function resourceOf(
  provider: OAuthClientProvider,
  serverUrl: string,
  metadata: Parameters<typeof selectResourceURL>[2],
): Promise<string | URL | undefined> {
  const selected = await selectResourceURL(serverUrl, provider, metadata);
  return selected && metadata && !provider.validateResourceURL ? metadata.resource : selected;
}

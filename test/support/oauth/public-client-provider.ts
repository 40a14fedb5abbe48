import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * A public client's provider (no secret, a redirect URL) that keeps its tokens in `store`. With
 * no `authorizationCode()` it cannot finish a new authorization: its flows can only refresh.
 */
export function publicClientProvider(store: { tokens: OAuthTokens }) {
  return {
    redirectUrl: 'http://127.0.0.1:1/cb',
    clientMetadata: {
      redirect_uris: ['http://127.0.0.1:1/cb'],
      token_endpoint_auth_method: 'none',
    },
    clientInformation: () => ({ client_id: 'c' }),
    tokens: () => store.tokens,
    saveTokens: (tokens: OAuthTokens) => void (store.tokens = tokens),
    redirectToAuthorization: () => undefined,
    saveCodeVerifier: () => undefined,
    codeVerifier: () => 'v'.repeat(43),
  };
}

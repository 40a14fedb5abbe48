/**
 * Discovery found metadata the OAuth flow must not use, or an authorization server it must not
 * authorize with. Thrown before anything is sent to the authorization server but its metadata
 * requests; OAuthServerAuth turns it into an McpAuthError. Never carries a secret.
 */
export class DiscoveryRefusedError extends Error {
  override readonly name = 'DiscoveryRefusedError';
}

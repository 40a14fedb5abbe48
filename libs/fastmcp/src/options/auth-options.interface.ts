import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';

/** Machine-to-machine OAuth (client credentials grant), run by the SDK's own providers. */
export interface ClientCredentialsAuthOptions {
  type: 'client_credentials';
  clientId: string;
  /** The client secret (client_secret_basic or _post, as the server supports). */
  clientSecret?: string;
  /** Sign a JWT assertion instead of sending a secret (private_key_jwt). */
  privateKeyJwt?: { key: string; alg: string };
  /** Scope to ask for. Default: what the server advertises. */
  scope?: string;
}

/**
 * OAuth 2.1 for one server: an `OAuthClientProvider` from `@modelcontextprotocol/sdk` (the
 * interface the SDK's own transports take), or the built-in client-credentials config.
 */
export type McpServerAuthOptions = OAuthClientProvider | ClientCredentialsAuthOptions;

/**
 * A provider for the authorization-code flow in a server-side app: after the SDK calls
 * `redirectToAuthorization(url)`, the module awaits `authorizationCode()` (the app delivers the
 * code from its callback route) and exchanges it. A provider without it fails with McpAuthError.
 */
export interface InteractiveOAuthClientProvider extends OAuthClientProvider {
  authorizationCode(): Promise<string>;
}

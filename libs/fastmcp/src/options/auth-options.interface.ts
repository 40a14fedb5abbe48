import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';

/** Machine-to-machine OAuth (client credentials grant), run by the SDK's own providers. */
export interface ClientCredentialsAuthOptions {
  type: 'client_credentials';
  /** The client id registered with the authorization server. Required. */
  clientId: string;
  /** The client secret (client_secret_basic or _post, as the server supports). No default. */
  clientSecret?: string;
  /**
   * Sign a JWT assertion instead of sending a secret (private_key_jwt): `key` is a PKCS#8 PEM
   * private key (the shared secret for HS*), `alg` its JOSE algorithm: RS256/384/512,
   * PS256/384/512, ES256/384/512 or HS256/384/512. No default.
   */
  privateKeyJwt?: { key: string; alg: string };
  /**
   * Scope to ask for. Default: none sent (the authorization server's default grant); a 403
   * `insufficient_scope` adds the scopes it names.
   */
  scope?: string;
  /**
   * The issuer URL of the authorization server these credentials belong to: the secret (or the
   * signed assertion) is only ever sent there, whatever server the MCP server names. Required
   * (checked at start-up): https, or http on a loopback host (127.0.0.1, ::1, localhost); no
   * `#fragment`. No default.
   */
  issuer?: string;
}

/**
 * OAuth 2.1 for one server: an `OAuthClientProvider` from `@modelcontextprotocol/sdk` (the
 * interface the SDK's own transports take), or the built-in client-credentials config.
 */
export type McpServerAuthOptions = OAuthClientProvider | ClientCredentialsAuthOptions;

/** What the app's callback route received: the code, and the `iss` parameter when there is one. */
export interface AuthorizationResponse {
  code: string;
  /** The callback's `iss` query parameter (RFC 9207), as `URLSearchParams.get` decodes it. */
  iss?: string;
}

/**
 * A provider for the authorization-code flow in a server-side app: after the SDK calls
 * `redirectToAuthorization(url)`, the module awaits `authorizationCode()` (the app delivers the
 * code from its callback route) and exchanges it. A provider without it fails with McpAuthError.
 * `signal` aborts once no call waits for this authorization any more (each ran out of time or
 * was aborted): the module stops waiting then, and the next call starts a new authorization.
 */
export interface InteractiveOAuthClientProvider extends OAuthClientProvider {
  /**
   * The code from the callback, with its `iss` parameter when the callback has one: the module
   * checks it (RFC 9207), and refuses a bare code when the authorization server says it sends
   * `iss`.
   */
  authorizationCode(signal?: AbortSignal): Promise<string | AuthorizationResponse>;
}

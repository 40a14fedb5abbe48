import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';

/** What an `OAuthServerAuth` is made from: its provider, its server and its bounds. */
export interface OAuthServerAuthOptions {
  /** Holds the client registration and the tokens; every flow runs the SDK's `auth()` over it. */
  provider: OAuthClientProvider;
  /** The MCP server's URL (the protected resource). */
  serverUrl: string;
  /** The client id, named in errors. Default: none. */
  clientId?: string;
  /** Time source for token expiry. Default `Date.now`. */
  now?: () => number;
  /** Timeout of each request to the authorization server, in ms. Default 30000. */
  requestTimeoutMs?: number;
  /** Values that must never appear in an error (client secret, private key). Default []. */
  secrets?: readonly string[];
  /** 403 step-ups in a row without a successful request in between. Default 2. */
  maxStepUps?: number;
  /**
   * The authorization server's issuer URL: when set, the flow only ever reaches its origin, the
   * MCP server's and that of the token endpoint its own metadata names. Default: none (any
   * origin discovery names).
   */
  issuer?: string;
}

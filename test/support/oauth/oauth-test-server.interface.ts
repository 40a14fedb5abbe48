import type { IncomingMessage, ServerResponse } from 'node:http';

/** How a client proves itself at the token endpoint. */
export type TokenAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** A client the authorization server knows in advance. */
export interface OAuthTestClient {
  clientId: string;
  /** Its secret (client_secret_basic / _post). */
  secret?: string;
  /** Its SPKI PEM public key (private_key_jwt). */
  publicKey?: string;
  /** Scopes it may be granted; others it asks for are left out of the grant. */
  scopes: string[];
}

export interface OAuthTestServerOptions {
  /** Pre-registered clients. Default []. */
  clients?: OAuthTestClient[];
  /** `expires_in` of access tokens, in seconds. Default 3600. */
  expiresInSeconds?: number;
  /** `token_endpoint_auth_methods_supported`. Default basic, post, private_key_jwt, none. */
  authMethods?: TokenAuthMethod[];
  /** Scopes a client registered at /register may be granted. Default mcp:read, mcp:admin. */
  registeredClientScopes?: string[];
  /**
   * Scope a tool needs (tools/call answers 403 insufficient_scope without it). Default
   * `admin_action` mcp:admin and `root_action` mcp:root (a scope no client may be granted).
   */
  toolScopes?: Record<string, string>;
  /** Tools whose calls the HTTP layer answers 503 (for dead letters). Default []. */
  unavailableTools?: string[];
  /** A careless server: token errors quote the credentials they were sent. Default false. */
  echoCredentialsInErrors?: boolean;
  /**
   * A hostile MCP endpoint: tools/list answers with the caller's access token as an invalid tool
   * name and as a cursor given on every page. Default false.
   */
  echoTokenInToolsList?: boolean;
  /**
   * What the token endpoint answers while down (setTokenEndpointDown). Default: none (503
   * temporarily_unavailable).
   */
  tokenOutage?: TokenOutage;
  /**
   * Rewrites the protected resource metadata before it is served (given the default document);
   * undefined answers 404. Default: the default document.
   */
  protectedResourceMetadata?: MetadataRewrite;
  /**
   * A 2025-03-26 server: no protected resource metadata (404), and no `resource_metadata` in
   * its challenges. Default false.
   */
  legacyDiscovery?: boolean;
  /**
   * Rewrites the authorization server metadata before it is served (given the default
   * document); undefined answers 404. Default: the default document.
   */
  authorizationServerMetadata?: MetadataRewrite;
  /** Serves HTTPS with this key and certificate (PEM) instead of HTTP. Default: HTTP. */
  tls?: { key: string; cert: string };
}

/** Turns a default metadata document into the one served (undefined: none, 404). */
export type MetadataRewrite = (
  document: Record<string, unknown>,
) => Record<string, unknown> | undefined;

/** Answers (and records) a token request while the token endpoint is down. */
export interface TokenOutage {
  answer(req: IncomingMessage, res: ServerResponse, records: TokenRequestRecord[]): Promise<void>;
}

/** One request to the token endpoint. */
export interface TokenRequestRecord {
  grantType: string;
  clientId?: string;
  authMethod?: TokenAuthMethod;
  scope?: string;
  resource?: string;
  status: number;
}

/** One request to the MCP endpoint. */
export interface McpRequestRecord {
  status: number;
  rpcMethod?: string;
  toolName?: string;
}

export interface OAuthTestServerHandle {
  /** The MCP endpoint (the protected resource), e.g. `http://127.0.0.1:41234/mcp`. */
  readonly url: string;
  /** The authorization server's issuer, e.g. `http://127.0.0.1:41234`. */
  readonly issuer: string;
  readonly tokenRequests: TokenRequestRecord[];
  readonly mcpRequests: McpRequestRecord[];
  /** Every access and refresh token issued, to look for them where they must not be. */
  readonly issuedTokens: string[];
  /** The client's port of every connection accepted, to tell who connected (e.g. a proxy). */
  readonly clientPorts: number[];
  /** Dynamic registrations made. */
  readonly registrations: number;
  /** Forgets every access token (refresh tokens stay). */
  revokeAccessTokens(): void;
  /** While down, the token endpoint answers 503 temporarily_unavailable. */
  setTokenEndpointDown(down: boolean): void;
  /** While down, the protected resource metadata answers 503 temporarily_unavailable. */
  setResourceMetadataDown(down: boolean): void;
  /** Empties the request records. */
  clearRecords(): void;
  close(): Promise<void>;
}

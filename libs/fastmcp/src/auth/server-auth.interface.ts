/** What a server said when it refused a request: a 401, or a 403 `insufficient_scope`. */
export interface AuthChallenge {
  status: 401 | 403;
  /** The raw `WWW-Authenticate` header, if the server sent one. */
  wwwAuthenticate?: string;
}

/**
 * The OAuth state of one client id's server, shared by every caller of that client id.
 * The transport asks it for the Authorization header of each request, and hands it each 401/403.
 */
export interface ServerAuth {
  /** `Bearer <token>` for the next request, refreshed first when near expiry; undefined if none yet. */
  authorization(): Promise<string | undefined>;
  /**
   * Runs the OAuth flow after a challenge. Resolves when a new token is ready (the transport then
   * re-sends the request once); throws McpAuthError when no token can be had, or when a 403
   * step-up passed its limit. Concurrent challenges share one flow.
   */
  onChallenge(challenge: AuthChallenge): Promise<void>;
}

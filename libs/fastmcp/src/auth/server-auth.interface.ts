/** What a server said when it refused a request: a 401, or a 403 `insufficient_scope`. */
export interface AuthChallenge {
  status: 401 | 403;
  /** The raw `WWW-Authenticate` header, if the server sent one. */
  wwwAuthenticate?: string;
  /**
   * The `Authorization` header the refused request carried, if the transport knows it. A
   * challenge to a token that was already replaced is then answered with the new one, no flow.
   */
  authorization?: string;
}

/**
 * The OAuth state of one client id's server, shared by every caller of that client id.
 * The transport asks it for the Authorization header of each request, and hands it each 401/403.
 * Both take the caller's `signal`: once it aborts, the caller stops waiting at once (rejected
 * with the signal's reason), and a flow no caller waits for any more stops its requests.
 */
export interface ServerAuth {
  /** `Bearer <token>` for the next request, refreshed first when near expiry; undefined if none yet. */
  authorization(signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Runs the OAuth flow after a challenge. Resolves when a new token is ready (the transport then
   * re-sends the request once); throws McpAuthError when no token can be had, or when a 403
   * step-up passed its limit. Concurrent challenges share one flow.
   */
  onChallenge(challenge: AuthChallenge, signal?: AbortSignal): Promise<void>;
  /**
   * A request this auth authorized got an answer other than 401/403: ends a run of 403
   * step-ups. Optional for the transport; without it a step-up for a scope not asked before
   * starts a new run.
   */
  onSuccess?(): void;
  /**
   * The `Authorization` headers it handed out lately, newest last: what a server that echoes
   * text back may quote, scrubbed from it like the configured headers. Optional.
   */
  recentAuthorizations?(): readonly string[];
}

/** How much of a refusal's body is searched for a lost session. */
export const SESSION_TEXT_LIMIT = 4096;
/**
 * What servers write when they do not know the session: the SDKs' "No valid session ID provided"
 * and "Mcp-Session-Id header is required", and the like. Only these: a tool's own error may name a
 * session of its own ("payment session expired"), and a call read as a lost session is sent again.
 */
const NO_SESSION =
  /\b(no valid session|session not found|unknown session|invalid session|missing session|mcp-session-id header is required)/i;

/**
 * True when a server's refusal of a request made in a session says the session is gone: a 404,
 * or a 400 whose body says so (see NO_SESSION).
 */
export function saysSessionGone(status: number, body: string): boolean {
  if (status === 404) return true;
  return status === 400 && NO_SESSION.test(body.slice(0, SESSION_TEXT_LIMIT));
}

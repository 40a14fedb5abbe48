/** How much of a refusal's body is searched for a lost session. */
export const SESSION_TEXT_LIMIT = 4096;
const NO_SESSION = /session/i;

/**
 * True when a server's refusal of a request made in a session says the session is gone: a 404,
 * or a 400 whose body names the session (as the official SDK's "No valid session ID" does).
 */
export function saysSessionGone(status: number, body: string): boolean {
  if (status === 404) return true;
  return status === 400 && NO_SESSION.test(body.slice(0, SESSION_TEXT_LIMIT));
}

import type { McpSession } from '@app/fastmcp';

/** A server URL as the API shows it: no credentials, no query (either may hold a secret). */
export function displayUrl(raw: string): string {
  if (!URL.canParse(raw)) return '[not a URL]';
  const url = new URL(raw);
  return `${url.origin}${url.pathname}`;
}

/**
 * True for what `connect` resolves with (a replayed connect entry's result). A tool's result
 * always has `content`, and may carry any other field a server puts beside it.
 */
export function isSession(value: unknown): value is McpSession {
  if (typeof value !== 'object' || value === null || 'content' in value) return false;
  const session = value as Partial<McpSession>;
  return (
    typeof session.clientId === 'string' &&
    typeof session.url === 'string' &&
    typeof session.protocolVersion === 'string'
  );
}

/** A session as the API shows it: its URL through `displayUrl`, and no session id (a credential). */
export function sessionView(session: McpSession): Omit<McpSession, 'sessionId'> {
  const view: Omit<McpSession, 'sessionId'> & { sessionId?: string } = {
    ...session,
    url: displayUrl(session.url),
  };
  delete view.sessionId;
  return view;
}

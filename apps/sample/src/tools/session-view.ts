import { displayUrl, type McpSession } from '@app/fastmcp';
import type { McpClientView } from './mcp-client-view.interface.js';

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

/**
 * A session as GET /mcp/clients shows its client: the URL through `displayUrl`, no session id (a
 * credential), no capabilities; `connected` says whether the client still holds a session.
 */
export function sessionClientView(session: McpSession, connected: boolean): McpClientView {
  return {
    clientId: session.clientId,
    url: displayUrl(session.url),
    connected,
    protocolVersion: session.protocolVersion,
    era: session.era,
    serverName: session.serverInfo.name,
  };
}

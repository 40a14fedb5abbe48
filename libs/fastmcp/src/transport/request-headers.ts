import type { HttpTarget } from './http-target.interface.js';

/**
 * The headers of one MCP request: the server's own, then the protocol's. `authorization` is the
 * OAuth header of this one request: it is never part of the target, so never dead-lettered.
 */
export function requestHeaders(target: HttpTarget, authorization?: string): Record<string, string> {
  const headers: Record<string, string> = {
    ...target.headers,
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
  };
  if (authorization) headers.authorization = authorization;
  if (target.sessionId) headers['mcp-session-id'] = target.sessionId;
  if (target.protocolVersion) headers['mcp-protocol-version'] = target.protocolVersion;
  return headers;
}

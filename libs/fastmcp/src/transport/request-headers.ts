import type { HttpTarget } from './http-target.interface.js';

/**
 * The headers of one MCP request: the server's own, then the protocol's. `authorization` is the
 * OAuth header of this one request: it is never part of the target, so never dead-lettered.
 */
export function requestHeaders(target: HttpTarget, authorization?: string): Record<string, string> {
  // Object.assign, not spreads: on Node 20 `{ ...a, ...b }` costs about 1.5 us, 40 times this.
  const headers = Object.assign({}, target.headers, protocolHeaders(target));
  if (authorization) headers.authorization = authorization;
  return headers;
}

/**
 * The protocol's headers of a request to `target`, without the server's configured ones: what a
 * dead-letter entry keeps (a replay takes the configured headers from the configuration).
 */
export function protocolHeaders(target: HttpTarget): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
  };
  if (target.sessionId) headers['mcp-session-id'] = target.sessionId;
  if (target.protocolVersion) headers['mcp-protocol-version'] = target.protocolVersion;
  return headers;
}

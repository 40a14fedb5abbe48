import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

/**
 * 2025-era revisions this client speaks over Streamable HTTP (an `initialize` handshake and a
 * session), newest first. 2024-11-05 (the old HTTP+SSE transport) is not among them: a server
 * configured with it is refused at start-up.
 */
export const NEGOTIABLE_PROTOCOL_VERSIONS: readonly string[] = [
  LATEST_PROTOCOL_VERSION,
  '2025-06-18',
  '2025-03-26',
];

/** Modern revisions (a `_meta` envelope on every request, no session), newest first. */
export const MODERN_PROTOCOL_VERSIONS: readonly string[] = ['2026-07-28'];

/** `servers.X.protocolVersion` that negotiates the era: probe `server/discover`, else `initialize`. */
export const AUTO_PROTOCOL_VERSION = 'auto';

/** Every value `servers.X.protocolVersion` accepts. */
export const CONFIGURABLE_PROTOCOL_VERSIONS: readonly string[] = [
  AUTO_PROTOCOL_VERSION,
  ...MODERN_PROTOCOL_VERSIONS,
  ...NEGOTIABLE_PROTOCOL_VERSIONS,
];

import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

/**
 * Protocol revisions this client speaks over Streamable HTTP, newest first. 2024-11-05 (the old
 * HTTP+SSE transport) is not among them: a server configured with it is refused at start-up.
 */
export const NEGOTIABLE_PROTOCOL_VERSIONS: readonly string[] = [
  LATEST_PROTOCOL_VERSION,
  '2025-06-18',
  '2025-03-26',
];

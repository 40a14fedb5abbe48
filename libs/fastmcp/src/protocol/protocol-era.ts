import { MODERN_PROTOCOL_VERSIONS } from '../options/protocol-versions.js';

/**
 * The two eras of MCP: `legacy` (2025-11-25 and earlier: `initialize`, a session, a GET stream)
 * and `modern` (2026-07-28 and later: `server/discover`, a `_meta` envelope, no session).
 */
export type ProtocolEra = 'legacy' | 'modern';

export function eraOf(protocolVersion: string): ProtocolEra {
  return MODERN_PROTOCOL_VERSIONS.includes(protocolVersion) ? 'modern' : 'legacy';
}

import type { Implementation, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ProtocolEra } from '../protocol/protocol-era.js';

/** A connected client id: the outcome of the MCP handshake. */
export interface McpSession {
  clientId: string;
  url: string;
  /** The `Mcp-Session-Id` the server assigned; absent for a stateless server. */
  sessionId?: string;
  /** The protocol version both sides agreed on. */
  protocolVersion: string;
  /** `modern` (2026-07-28: no session) or `legacy` (2025: `initialize` and a session). */
  era: ProtocolEra;
  serverInfo: Implementation;
  capabilities: ServerCapabilities;
  instructions?: string;
}

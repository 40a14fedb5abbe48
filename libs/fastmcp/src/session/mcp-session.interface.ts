import type { Implementation, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

/** A connected client id: the outcome of the MCP handshake. */
export interface McpSession {
  clientId: string;
  url: string;
  /** The `Mcp-Session-Id` the server assigned; absent for a stateless server. */
  sessionId?: string;
  /** The protocol version both sides agreed on. */
  protocolVersion: string;
  serverInfo: Implementation;
  capabilities: ServerCapabilities;
  instructions?: string;
}

/** A configured client id as GET /mcp/clients shows it (no headers, no credentials). */
export interface McpClientView {
  clientId: string;
  /** The server's URL without user info or query string. */
  url: string;
  connected: boolean;
  protocolVersion?: string;
  /** `modern` (2026-07-28) or `legacy` (2025), as negotiation chose. */
  era?: 'modern' | 'legacy';
  serverName?: string;
}

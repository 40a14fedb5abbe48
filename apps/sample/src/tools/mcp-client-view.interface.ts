/** A configured client id as GET /mcp/clients shows it (no headers, no credentials). */
export interface McpClientView {
  clientId: string;
  /** The server's URL without user info or query string. */
  url: string;
  connected: boolean;
  protocolVersion?: string;
  serverName?: string;
}

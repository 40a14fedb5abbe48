import type { McpServerAuthOptions } from './auth-options.interface.js';
import type { RetryOptions } from './retry-options.interface.js';

export interface McpServerConfig {
  /** The server's MCP endpoint, e.g. `http://127.0.0.1:8000/mcp`. */
  url: string;
  /** Extra headers on every request (e.g. Authorization). Never logged or dead-lettered. */
  headers?: Record<string, string>;
  /** Protocol version to ask for in `initialize`. Default: the newest supported, 2025-11-25. */
  protocolVersion?: string;
  /** This server's retry policy, over the module's `retry`. Default: the module's. */
  retry?: Partial<RetryOptions>;
  /** OAuth 2.1 for this server: an SDK `OAuthClientProvider` or client credentials. Default: none. */
  auth?: McpServerAuthOptions;
}

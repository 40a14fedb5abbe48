import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerAuthOptions } from './auth-options.interface.js';
import type { ResilienceOptions } from './resilience-options.interface.js';
import type { RetryOptionsInput } from './retry-options.interface.js';

export type ToolRetryMode = 'always' | 'never' | 'idempotent';

export interface ToolConfig {
  /** Re-send after a failure that may have reached the server (see `tools`). Default: none. */
  retry?: ToolRetryMode;
  /** DLQ priority of this tool's dead letters (a call's `opts.priority` goes over it). Default `normal`. */
  priority?: 'high' | 'normal' | 'low';
}

export interface McpServerConfig {
  /** The server's MCP endpoint, e.g. `http://127.0.0.1:8000/mcp` (no `#fragment`). Required. */
  url: string;
  /**
   * Extra headers on every request (e.g. Authorization). Never logged or dead-lettered. Names are
   * HTTP tokens; values printable ASCII (tab, space, `!` to `~`: no CR, LF or non-ASCII).
   * Default none.
   */
  headers?: Record<string, string>;
  /**
   * The protocol revision to speak: `'auto'` probes `server/discover` and speaks 2026-07-28 to a
   * server that answers it, else falls back to the `initialize` handshake (2025-11-25); a pinned
   * revision (`'2026-07-28'`, `'2025-11-25'`, `'2025-06-18'`, `'2025-03-26'`) is used as is.
   * Default `'auto'`.
   */
  protocolVersion?: string;
  /** This server's retry policy, over the module's `retry`. Default: the module's. */
  retry?: RetryOptionsInput;
  /**
   * Per-tool retry after a failure that may have reached the server: `always` re-sends,
   * `never` does not, `idempotent` re-sends when the tool's annotations say it is idempotent or
   * read-only (trusted for this tool). Default: none (see `trustToolAnnotations`).
   */
  tools?: Record<string, ToolConfig>;
  /**
   * Trust this server's `idempotentHint`/`readOnlyHint` annotations to decide whether a tool may
   * be re-sent (annotations are untrusted by the spec). Default false.
   */
  trustToolAnnotations?: boolean;
  /** This server's attempt pipeline (breaker, retry budget, rate limit), over the module's. */
  resilience?: ResilienceOptions;
  /**
   * Open the session's GET stream after the handshake, so the server can send requests that
   * belong to no call (e.g. an elicitation outside a tool's answer). Default: on when any of
   * `handlers` is set.
   */
  listen?: boolean;
  /**
   * The log messages (`notifications/message`, raised as `server.message`) to ask this server
   * for, from this level up: a 2025-era session sends `logging/setLevel` after its handshake (when
   * the server declares `logging`); a 2026-07-28 request carries it in `_meta` as
   * `io.modelcontextprotocol/logLevel`. Default: not set (a 2026-07-28 server then sends none).
   */
  logLevel?: LoggingLevel;
  /**
   * Answer `listTools` from the last listing while the server's `ttlMs` (2026-07-28 list
   * results) lasts, without a request. A 2025-era server sends no `ttlMs`: nothing is cached.
   * Default false.
   */
  toolListCache?: boolean;
  /** OAuth 2.1 for this server: an SDK `OAuthClientProvider` or client credentials. Default: none. */
  auth?: McpServerAuthOptions;
  /** Largest answer this server may send, in bytes. Default: the module's `maxResponseBytes`. */
  maxResponseBytes?: number;
}

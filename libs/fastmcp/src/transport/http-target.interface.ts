import type { ServerAuth } from '../auth/server-auth.interface.js';
import type { ClientTaskStore } from '../protocol/client-task-store.js';
import type { ProtocolEra } from '../protocol/protocol-era.js';

/** Where one JSON-RPC message goes, and the headers that go with it. */
export interface HttpTarget {
  url: string;
  /** The server's configured headers (may hold secrets: never logged). */
  headers: Record<string, string>;
  sessionId?: string;
  /** The session id as a span may show it: absent when it holds a secret of the request. */
  traceSessionId?: string;
  protocolVersion?: string;
  /**
   * The era spoken: `modern` streams are never resumed and a cancelled request's stream is just
   * closed (no `notifications/cancelled`). Default `legacy`.
   */
  era?: ProtocolEra;
  /** The server's OAuth state, when `auth` is configured. */
  auth?: ServerAuth;
  /** The server's own `maxResponseBytes`; default: the module's. */
  maxResponseBytes?: number;
  /**
   * The tasks the server gave the client on this session (2025-11-25, when the client declared
   * them), whichever of the session's streams asks after them.
   */
  tasks?: ClientTaskStore;
}

/** What a server answered to one request. */
export interface TransportResponse {
  result: Record<string, unknown>;
  /** The `Mcp-Session-Id` the server assigned, if any. */
  sessionId?: string;
}

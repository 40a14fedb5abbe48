import type { IncomingHttpHeaders } from 'node:http';

/** A JSON-RPC message as it travels (loosely typed: these servers send malformed ones on purpose). */
export interface RawMessage {
  readonly jsonrpc?: string;
  readonly id?: string | number | null;
  readonly method?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/** A `tools/call` being answered, with its SSE stream open. */
export interface RawToolCall {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
  readonly sessionId: string;
  /** Sends a request to the client on this call's SSE stream; resolves with the client's answer. */
  ask(method: string, params?: Record<string, unknown>): Promise<RawMessage>;
}

/** Options of {@link startRawMcpServer}. */
export interface RawMcpServerOptions {
  /** `protocolVersion` of the initialize answer. Default: the version the client asked for. */
  protocolVersion?: string;
  /** Pages of `tools/list`; a cursor is only valid in the session that received it. Default: [[]]. */
  toolPages?: readonly (readonly unknown[])[];
  /** The result of a `tools/call`, answered on an SSE stream. Default: a text "ok". */
  onToolCall?: (call: RawToolCall) => Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** One HTTP request the raw server received, and its answer's status. */
export interface RawRequestLog {
  readonly httpMethod: string;
  readonly headers: IncomingHttpHeaders;
  /** The POSTed message, parsed; undefined for GET/DELETE or a body that is not JSON. */
  readonly message?: RawMessage;
  status?: number;
}

/** A running raw MCP server (node:http, no SDK), for answers the SDK cannot produce. */
export interface RawMcpServerHandle {
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RawRequestLog[];
  /** Session ids ended by HTTP DELETE, in order. */
  readonly deletedSessions: readonly string[];
  /** Sessions not yet deleted or dropped. */
  liveSessions(): string[];
  /** Forgets every session: their ids then get HTTP 404. */
  dropSessions(): void;
  /** Closes the server, destroying open connections. Idempotent. */
  close(): Promise<void>;
}

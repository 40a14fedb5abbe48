import type { IncomingHttpHeaders } from 'node:http';
import type { ExecutionLog } from './execution-log.js';
import type { OrderedEventStore } from './ordered-event-store.js';

/** Options of {@link startProtocolSdkServer}. */
export interface ProtocolSdkServerOptions {
  /** `retry:` of each priming event, in ms (what a client waits before resuming). Default: 100. */
  retryIntervalMs?: number;
}

/** One HTTP request the server received. */
export interface ProtocolRequestLog {
  readonly httpMethod: string;
  readonly headers: IncomingHttpHeaders;
  /** JSON-RPC methods of the POSTed messages (undefined for responses); empty for GET/DELETE. */
  readonly methods: readonly (string | undefined)[];
  /** `Date.now()` when the request arrived. */
  readonly time: number;
}

/** A running protocol server (official SDK, Streamable HTTP, stateful, resumable). */
export interface ProtocolSdkServerHandle {
  /** The MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  readonly url: string;
  readonly port: number;
  /** The `retry:` its priming events carry. */
  readonly retryIntervalMs: number;
  /** Runs and stream closes of `counted_work`, by key. */
  readonly executions: ExecutionLog;
  /** Every event sent on an SSE stream, for replay. */
  readonly eventStore: OrderedEventStore;
  /** Every HTTP request, in arrival order. */
  readonly requests: readonly ProtocolRequestLog[];
  /** Live sessions. */
  sessionCount(): number;
  /** Closes every session and the HTTP server. Idempotent. */
  close(): Promise<void>;
}

import type { McpClientHandlers } from './client-handlers.interface.js';
import type { DlqOptions, DlqRedriveMatch } from './dlq-options.interface.js';
import type { MetricsOptions } from './metrics-options.interface.js';
import type { ResilienceOptions } from './resilience-options.interface.js';
import type {
  OperationRetryOverrides,
  RetryOptions,
  RetryOptionsInput,
} from './retry-options.interface.js';
import type { McpServerConfig } from './server-config.interface.js';

export interface FastMcpModuleOptions {
  /** Server used for a client id that has no server of its own (no `#fragment`). No default. */
  baseUrl?: string;
  /** Servers known in advance, by client id. Default {}. */
  servers?: Record<string, McpServerConfig>;
  /** Retry policy; each field has its own default. */
  retry?: RetryOptionsInput;
  /** Dead-letter queue, or `false` to keep none. Default: in-memory store. */
  dlq?: DlqOptions | false;
  /** Prometheus metrics, or `false` to record none. Default: on, namespace `fastmcp`. */
  metrics?: MetricsOptions | false;
  /** `clientInfo` sent in `initialize`. Default `{ name: 'nestjs-fastmcp', version: <package> }`. */
  clientInfo?: { name: string; version: string };
  /** The per-server attempt pipeline: circuit breaker (off), retry budget (on), rate limit (off). */
  resilience?: ResilienceOptions;
  /** Handlers for requests servers send (elicitation, sampling, roots). Default: none. */
  handlers?: McpClientHandlers;
  /**
   * Largest answer a server may send, in bytes: one JSON body, or everything one SSE stream
   * carries (its lines and events included). Past it the attempt fails with
   * McpResponseTooLargeError and its socket is closed. A server's own value overrides it.
   * Default 33554432 (32 MiB).
   */
  maxResponseBytes?: number;
  /**
   * Bytes every answer in flight may hold together, shared by all servers of this module: an
   * answer that would pass it fails with McpResponseTooLargeError. Default 268435456 (256 MiB).
   */
  maxBufferedResponseBytes?: number;
  /**
   * On shutdown, after new calls are refused and the DLQ buffer is spilled: how long calls still
   * running may take to finish, in ms (0..2147483647); then they end with FastMcpShutdownError.
   * Default 10000.
   */
  shutdownGraceMs?: number;
  /**
   * OpenTelemetry spans through `@opentelemetry/api` (an optional peer dependency): recorded only
   * when the app registered a tracer provider; `false` turns them off. Default true.
   */
  tracing?: boolean;
}

export interface ResolvedRedrivePolicy {
  match: DlqRedriveMatch;
  afterMs: number;
  backoff: number;
  maxRedrives: number;
}

export interface ResolvedDlqOptions extends Required<Omit<DlqOptions, 'redis' | 'redrive'>> {
  redis?: DlqOptions['redis'];
  redrive: ResolvedRedrivePolicy[];
}

export interface ResolvedFastMcpOptions {
  readonly baseUrl?: string;
  readonly servers: Readonly<Record<string, Readonly<McpServerConfig>>>;
  readonly retry: Readonly<RetryOptions>;
  /** The module's `retry.operations`. */
  readonly retryOperations: Readonly<OperationRetryOverrides>;
  readonly dlq: Readonly<ResolvedDlqOptions> | false;
  readonly metrics: Readonly<Required<MetricsOptions>> | false;
  readonly clientInfo: { name: string; version: string };
  readonly handlers: Readonly<McpClientHandlers>;
  readonly resilience: Readonly<ResilienceOptions>;
  readonly maxResponseBytes: number;
  readonly maxBufferedResponseBytes: number;
  readonly shutdownGraceMs: number;
  readonly tracing: boolean;
}

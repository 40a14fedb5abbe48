import type { McpServerConfig, ResilienceOptions, RetryOptions } from '@app/fastmcp';

/** Where the dead-letter queue lives: `auto` tries Redis and falls back to memory. */
export type DlqStoreChoice = 'auto' | 'redis' | 'memory';

/** The sample's configuration, read once from environment variables. */
export interface SampleConfig {
  /** PORT. Default 3000. */
  port: number;
  /** HOST. Default 127.0.0.1. */
  host: string;
  /** FASTMCP_SERVERS, or FASTMCP_BASE_URL as client id `default`. Empty: the demo server runs. */
  servers: Record<string, McpServerConfig>;
  /** REDIS_URL. No default. */
  redisUrl?: string;
  /** FASTMCP_DLQ. Default `auto`. */
  dlqStore: DlqStoreChoice;
  /** FASTMCP_DLQ_SPILL_FILE: where buffered dead letters go at shutdown. Default: the module's. */
  dlqSpillFile?: string;
  /** FASTMCP_SHUTDOWN_GRACE_MS: how long running calls may finish at shutdown. Default: the module's. */
  shutdownGraceMs?: number;
  /** FASTMCP_RETRY_*. Unset fields keep the module's defaults. */
  retry: Partial<RetryOptions>;
  /**
   * FASTMCP_RESILIENCE: the module-level circuit breaker, retry budget and rate limit (a server
   * in FASTMCP_SERVERS can override them with its own `resilience`). Default: the module's
   * (retry budget on; breaker and rate limit off).
   */
  resilience?: ResilienceOptions;
  /** ADMIN_API_KEY. Default: a random key generated and printed at start. */
  adminApiKey?: string;
  /** METRICS_PUBLIC. Default true: /metrics needs no API key. */
  metricsPublic: boolean;
  /** HEALTH_PUBLIC. Default true: /health needs no API key. */
  healthPublic: boolean;
  /** HEALTH_TIMEOUT_MS: timeout of each health check. Default 2000. */
  healthTimeoutMs: number;
  /** BODY_LIMIT: largest JSON body accepted. Default `100kb`. */
  bodyLimit: string;
  /** FASTMCP_MAX_BODY_DEPTH: deepest nesting of a JSON body (the body is level 1). Default 64. */
  maxBodyDepth: number;
  /** IDEMPOTENCY_TTL_MS: how long a tool call's Idempotency-Key is remembered. Default 24 h. */
  idempotencyTtlMs: number;
  /** DEMO_FLAKY_FAILURES: 503s the demo server's `flaky` tool serves first. Default 6. */
  demoFlakyFailures: number;
}

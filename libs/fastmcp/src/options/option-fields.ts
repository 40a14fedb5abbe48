import type { ClientCredentialsAuthOptions } from './auth-options.interface.js';
import type { McpClientHandlers } from './client-handlers.interface.js';
import type {
  DlqOptions,
  DlqRedisOptions,
  DlqRedriveMatch,
  DlqRedrivePolicy,
} from './dlq-options.interface.js';
import type { FastMcpModuleOptions } from './fastmcp-options.interface.js';
import type { MetricsOptions } from './metrics-options.interface.js';
import type {
  CircuitBreakerOptions,
  RateLimitOptions,
  ResilienceOptions,
  RetryBudgetOptions,
} from './resilience-options.interface.js';
import type { RetryOptions, RetryOptionsInput } from './retry-options.interface.js';
import type { McpServerConfig, ToolConfig } from './server-config.interface.js';

/**
 * Every key of an options object, each once. `satisfies FieldSet<T>` fails the build when `T`
 * gains an option not listed here or loses one that is, so a new option is never refused and an
 * unknown key never silently ignored.
 */
export type FieldSet<T> = Readonly<Record<keyof T, true>>;

export const MODULE_FIELDS = {
  baseUrl: true,
  servers: true,
  retry: true,
  dlq: true,
  metrics: true,
  clientInfo: true,
  resilience: true,
  handlers: true,
  maxResponseBytes: true,
  maxBufferedResponseBytes: true,
  shutdownGraceMs: true,
  tracing: true,
} as const satisfies FieldSet<FastMcpModuleOptions>;

/** The fields of a retry policy: of `retry.operations.X`. */
export const RETRY_POLICY_FIELDS = {
  maxRetries: true,
  initialDelayMs: true,
  multiplier: true,
  maxDelayMs: true,
  jitter: true,
  totalTimeoutMs: true,
  requestTimeoutMs: true,
  retryableStatusCodes: true,
  notDeliveredStatusCodes: true,
  ambiguousToolCalls: true,
} as const satisfies FieldSet<RetryOptions>;

/** The fields of `retry` and `servers.X.retry`. */
export const RETRY_FIELDS = {
  ...RETRY_POLICY_FIELDS,
  operations: true,
} as const satisfies FieldSet<RetryOptionsInput>;

export const SERVER_FIELDS = {
  url: true,
  headers: true,
  protocolVersion: true,
  retry: true,
  tools: true,
  trustToolAnnotations: true,
  resilience: true,
  listen: true,
  toolListCache: true,
  logLevel: true,
  auth: true,
  maxResponseBytes: true,
} as const satisfies FieldSet<McpServerConfig>;

export const TOOL_FIELDS = { retry: true, priority: true } as const satisfies FieldSet<ToolConfig>;

export const CLIENT_CREDENTIALS_FIELDS = {
  type: true,
  clientId: true,
  clientSecret: true,
  privateKeyJwt: true,
  scope: true,
  issuer: true,
} as const satisfies FieldSet<ClientCredentialsAuthOptions>;

export const PRIVATE_KEY_JWT_FIELDS = { key: true, alg: true } as const satisfies FieldSet<
  NonNullable<ClientCredentialsAuthOptions['privateKeyJwt']>
>;

export const DLQ_FIELDS = {
  store: true,
  redis: true,
  keyPrefix: true,
  ttlMs: true,
  maxEntries: true,
  maxArgumentBytes: true,
  storeKinds: true,
  secretHeaders: true,
  bufferSize: true,
  dedupWindowMs: true,
  redrive: true,
  redriveIntervalMs: true,
  replayLeaseMs: true,
  spillFile: true,
} as const satisfies FieldSet<DlqOptions>;

export const DLQ_REDIS_FIELDS = {
  url: true,
  client: true,
  cluster: true,
  namespace: true,
  replicas: true,
} as const satisfies FieldSet<DlqRedisOptions>;

export const DLQ_REPLICAS_FIELDS = { count: true, timeoutMs: true } as const satisfies FieldSet<
  NonNullable<DlqRedisOptions['replicas']>
>;

export const DLQ_CLUSTER_FIELDS = { nodes: true, options: true } as const satisfies FieldSet<
  NonNullable<DlqRedisOptions['cluster']>
>;

export const REDRIVE_POLICY_FIELDS = {
  match: true,
  after: true,
  backoff: true,
  maxRedrives: true,
} as const satisfies FieldSet<DlqRedrivePolicy>;

export const REDRIVE_MATCH_FIELDS = {
  errorClass: true,
  operation: true,
  clientId: true,
} as const satisfies FieldSet<DlqRedriveMatch>;

export const METRICS_FIELDS = {
  namespace: true,
  clientIdLabel: true,
  maxClientIdLabels: true,
} as const satisfies FieldSet<MetricsOptions>;

export const CLIENT_INFO_FIELDS = { name: true, version: true } as const satisfies FieldSet<
  NonNullable<FastMcpModuleOptions['clientInfo']>
>;

export const HANDLER_FIELDS = {
  elicitation: true,
  elicitationModes: true,
  sampling: true,
  samplingTools: true,
  taskRequests: true,
  roots: true,
} as const satisfies FieldSet<McpClientHandlers>;

export const RESILIENCE_FIELDS = {
  circuitBreaker: true,
  retryBudget: true,
  rateLimit: true,
} as const satisfies FieldSet<ResilienceOptions>;

export const CIRCUIT_BREAKER_FIELDS = {
  mode: true,
  consecutiveFailures: true,
  failureRate: true,
  windowMs: true,
  minimumAttempts: true,
  openMs: true,
  halfOpenProbes: true,
} as const satisfies FieldSet<CircuitBreakerOptions>;

export const RETRY_BUDGET_FIELDS = {
  ratio: true,
  minPerSecond: true,
} as const satisfies FieldSet<RetryBudgetOptions>;

export const RATE_LIMIT_FIELDS = {
  requestsPerSecond: true,
  maxConcurrent: true,
  maxQueue: true,
  adaptive: true,
  minRequestsPerSecond: true,
} as const satisfies FieldSet<RateLimitOptions>;

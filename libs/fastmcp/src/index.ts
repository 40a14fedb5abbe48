export { FastMcpModule } from './fastmcp.module.js';
export type { FastMcpModuleExtras } from './fastmcp.module-definition.js';
export { FASTMCP_MODULE_OPTIONS } from './fastmcp.module-definition.js';

export { EnhancedFastMcpService } from './client/enhanced-fastmcp.service.js';
export type { CallOptions } from './client/call-options.interface.js';
export type { CompletionArgument, CompletionRef } from './client/mcp-reads.js';
export type { McpSession } from './session/mcp-session.interface.js';
export type { ProtocolEra } from './protocol/protocol-era.js';

export type {
  FastMcpModuleOptions,
  ResolvedFastMcpOptions,
} from './options/fastmcp-options.interface.js';
export type {
  ElicitationMode,
  McpClientHandlers,
  ServerRequestContext,
} from './options/client-handlers.interface.js';
export type {
  OperationRetryOverrides,
  RetryOptions,
  RetryOptionsInput,
} from './options/retry-options.interface.js';
export type {
  McpServerConfig,
  ToolConfig,
  ToolRetryMode,
} from './options/server-config.interface.js';
export type {
  AuthorizationResponse,
  ClientCredentialsAuthOptions,
  InteractiveOAuthClientProvider,
  McpServerAuthOptions,
} from './options/auth-options.interface.js';
export type {
  DlqOptions,
  DlqRedisOptions,
  DlqRedriveMatch,
  DlqRedrivePolicy,
  DeadLetterKind,
} from './options/dlq-options.interface.js';
export type { MetricsOptions } from './options/metrics-options.interface.js';
export { DEFAULT_RETRY_OPTIONS } from './options/fastmcp-options.defaults.js';
export { FASTMCP_RESOLVED_OPTIONS } from './options/fastmcp-options.constants.js';
export { InjectFastMcpOptions } from './options/inject-fastmcp-options.decorator.js';
export { resolveOptions } from './options/resolve-options.js';
export { CLIENT_ID_PATTERN } from './options/validate-options.js';

export { FastMcpEvents } from './events/fastmcp-events.service.js';
export type * from './events/fastmcp-events.interface.js';
export { DLQ_OPERATION_NAMES, OPERATION_NAMES } from './events/operation-name.js';
export type { DlqOperationName, OperationName } from './events/operation-name.js';

export { FASTMCP_CLOCK, systemClock } from './retry/clock.js';
export type { Clock } from './retry/clock.js';
export { calculateBackoffWithJitter } from './retry/backoff.js';

export { DeadLetterQueueService } from './dlq/core/dead-letter-queue.service.js';
export { DlqReplayService } from './dlq/replay/dlq-replay.service.js';
export { DlqBulkReplayService } from './dlq/replay/dlq-bulk-replay.service.js';
export { DlqRedriver } from './dlq/replay/dlq-redriver.service.js';
export { REDRIVE_GATE } from './dlq/replay/redrive-gate.interface.js';
export type { RedriveGate } from './dlq/replay/redrive-gate.interface.js';
export type {
  BulkReplayJob,
  BulkReplayRequest,
  BulkReplayState,
} from './dlq/replay/bulk-replay-job.interface.js';
export type { DlqFilter } from './dlq/core/dlq-filter.js';
export type { DlqTimeline, DlqTimelineRequest } from './dlq/core/dlq-timeline.js';
export { DLQ_TIMELINE_MAX_BUCKET_MS } from './dlq/core/dlq-timeline.js';
export { matcher as dlqFilterMatcher } from './dlq/core/dlq-filter.js';
export { DLQ_STORAGE } from './dlq/core/dlq-storage.token.js';
export type {
  DlqFinishResult,
  DlqIndex,
  DlqInsertOptions,
  DlqInsertResult,
  DlqJobRecord,
  DlqReplayStart,
  DlqStorage,
} from './dlq/core/dlq-storage.interface.js';
export { DLQ_PRIORITIES } from './dlq/core/failed-operation.interface.js';
export type { RepeatRule } from './dlq/core/repeat-rule.js';
export { DLQ_DEFAULT_PAGE_LIMIT, DLQ_MAX_PAGE_LIMIT } from './dlq/core/dlq.constants.js';
export { DLQ_ID_PATTERN } from './dlq/core/dlq-id.js';
export { DLQ_REDIS_CONNECTION_OPTIONS } from './dlq/redis/redis-dlq.connection.js';
export { redisUrlProblem } from './options/redis-url.js';
export { displayUrl } from './auth/display-url.js';
export { ERROR_CLASS_PATTERN } from './dlq/core/dlq-input.validation.js';
export type {
  DlqImportResult,
  DlqStats,
  Page,
  PageRequest,
  ReplayOptions,
  ReplayResult,
} from './dlq/core/dead-letter-queue.interface.js';
export type {
  AttemptRecord,
  DlqPriority,
  FailedOperation,
  FailedOperationInput,
  FailedOperationStatus,
  FailedRequest,
} from './dlq/core/failed-operation.interface.js';
export { OPERATION_REPLAYER } from './dlq/replay/operation-replayer.interface.js';
export type {
  OperationReplayer,
  ReplayOutcome,
} from './dlq/replay/operation-replayer.interface.js';

export {
  FASTMCP_METRICS_CLOCK,
  FASTMCP_METRICS_REGISTRY,
} from './metrics/fastmcp-metrics.constants.js';
export { InjectFastMcpMetricsRegistry } from './metrics/inject-fastmcp-metrics-registry.decorator.js';
export { FastMcpMetrics } from './metrics/fastmcp-metrics.service.js';
export type { FastMcpMetricSet } from './metrics/create-metric-set.js';

export { FastMcpError, isFastMcpError } from './errors/fastmcp.error.js';
export { FastMcpConfigError, isFastMcpConfigError } from './errors/fastmcp-config.error.js';
export type { ConfigIssue } from './errors/fastmcp-config.error.js';
export { McpHttpError, isMcpHttpError } from './errors/mcp-http.error.js';
export type { HttpJsonRpcError } from './errors/mcp-http.error.js';
export { McpProtocolError, isMcpProtocolError } from './errors/mcp-protocol.error.js';
export {
  McpUnsupportedVersionError,
  isMcpUnsupportedVersionError,
} from './errors/mcp-unsupported-version.error.js';
export {
  McpMissingCapabilityError,
  isMcpMissingCapabilityError,
} from './errors/mcp-missing-capability.error.js';
export {
  McpInputRequiredError,
  isMcpInputRequiredError,
} from './errors/mcp-input-required.error.js';
export type { InputRequiredFailure } from './errors/mcp-input-required.error.js';
export {
  McpUrlElicitationRequiredError,
  isMcpUrlElicitationRequiredError,
} from './errors/mcp-url-elicitation-required.error.js';
export type { UrlElicitation } from './errors/mcp-url-elicitation-required.error.js';
export {
  McpResponseTooLargeError,
  isMcpResponseTooLargeError,
} from './errors/mcp-response-too-large.error.js';
export type { ResponseLimit } from './errors/mcp-response-too-large.error.js';
export { McpTimeoutError, isMcpTimeoutError } from './errors/mcp-timeout.error.js';
export { McpSocketWaitError, isMcpSocketWaitError } from './errors/mcp-socket-wait.error.js';
export { McpTransportError, isMcpTransportError } from './errors/mcp-transport.error.js';
export type { TransportFailure } from './errors/mcp-transport.error.js';
export { McpAbortedError, isMcpAbortedError } from './errors/mcp-aborted.error.js';
export { McpDisconnectedError, isMcpDisconnectedError } from './errors/mcp-disconnected.error.js';
export { FastMcpShutdownError, isFastMcpShutdownError } from './errors/fastmcp-shutdown.error.js';
export { McpAuthError, isMcpAuthError } from './errors/mcp-auth.error.js';
export { RetryExhaustedError, isRetryExhaustedError } from './errors/retry-exhausted.error.js';
export {
  McpDeliveryUnknownError,
  isMcpDeliveryUnknownError,
} from './errors/mcp-delivery-unknown.error.js';
export { McpToolResultError, isMcpToolResultError } from './errors/mcp-tool-result.error.js';
export type { Delivery } from './errors/fastmcp.error.js';
export { CircuitOpenError, isCircuitOpenError } from './errors/circuit-open.error.js';
export { RateLimitedError, isRateLimitedError } from './errors/rate-limited.error.js';
export type {
  CircuitBreakerOptions,
  RateLimitOptions,
  ResilienceOptions,
  RetryBudgetOptions,
} from './options/resilience-options.interface.js';
export { ServerPipelines } from './pipeline/server-pipelines.js';
export type {
  Admission,
  AttemptInfo,
  AttemptPolicy,
  RetryVerdict,
} from './pipeline/attempt-policy.interface.js';
export { UnknownClientError, isUnknownClientError } from './errors/unknown-client.error.js';
export { DlqValidationError, isDlqValidationError } from './errors/dlq-validation.error.js';
export {
  DlqEntryNotFoundError,
  isDlqEntryNotFoundError,
} from './errors/dlq-entry-not-found.error.js';
export { DlqUnavailableError, isDlqUnavailableError } from './errors/dlq-unavailable.error.js';
export { ReplayConflictError, isReplayConflictError } from './errors/replay-conflict.error.js';
export { DlqJobLimitError, isDlqJobLimitError } from './errors/dlq-job-limit.error.js';

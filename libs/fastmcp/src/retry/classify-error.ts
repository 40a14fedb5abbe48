import type { DeadLetterKind } from '../options/dlq-options.interface.js';
import type { ErrorClass } from '../events/fastmcp-events.interface.js';
import { isCircuitOpenError } from '../errors/circuit-open.error.js';
import { isRateLimitedError } from '../errors/rate-limited.error.js';
import { isMcpDeliveryUnknownError } from '../errors/mcp-delivery-unknown.error.js';
import { isMcpAuthError } from '../errors/mcp-auth.error.js';
import { isMcpAbortedError } from '../errors/mcp-aborted.error.js';
import { isMcpDisconnectedError } from '../errors/mcp-disconnected.error.js';
import { isFastMcpShutdownError } from '../errors/fastmcp-shutdown.error.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';
import { isMcpSocketWaitError } from '../errors/mcp-socket-wait.error.js';
import { isMcpTimeoutError } from '../errors/mcp-timeout.error.js';
import { isMcpTransportError } from '../errors/mcp-transport.error.js';
import { isMcpUrlElicitationRequiredError } from '../errors/mcp-url-elicitation-required.error.js';
import { isRetryExhaustedError } from '../errors/retry-exhausted.error.js';

export interface ErrorClassification {
  errorClass: ErrorClass;
  retryable: boolean;
  /** What the server asked us to wait, when it did (Retry-After on 429/503). */
  retryAfterMs?: number;
}

/** Decides whether one attempt's failure is worth retrying, and names its class. */
export function classifyError(
  error: unknown,
  retryableStatusCodes: readonly number[],
): ErrorClassification {
  if (isMcpAuthError(error)) return { errorClass: 'auth', retryable: error.transient };
  if (isMcpDeliveryUnknownError(error)) return { errorClass: 'delivery_unknown', retryable: false };
  if (isCircuitOpenError(error)) return { errorClass: 'circuit_open', retryable: false };
  if (isRateLimitedError(error)) return { errorClass: 'rate_limited', retryable: false };
  if (isMcpHttpError(error)) {
    const retryable = retryableStatusCodes.includes(error.status);
    const honoursRetryAfter = error.status === 429 || error.status === 503;
    return {
      errorClass: `http_${error.status}`,
      retryable,
      retryAfterMs: retryable && honoursRetryAfter ? error.retryAfterMs : undefined,
    };
  }
  if (isMcpTransportError(error)) return { errorClass: error.failure, retryable: true };
  if (isMcpSocketWaitError(error)) return { errorClass: 'socket_wait', retryable: true };
  if (isMcpTimeoutError(error)) {
    return error.scope === 'attempt'
      ? { errorClass: 'timeout', retryable: true }
      : { errorClass: 'budget_exhausted', retryable: false };
  }
  if (isMcpResponseTooLargeError(error)) {
    return { errorClass: 'response_too_large', retryable: false };
  }
  // A person must complete an interaction at a URL first: sending it again cannot succeed.
  if (isMcpUrlElicitationRequiredError(error)) {
    return { errorClass: 'url_elicitation_required', retryable: false };
  }
  if (isMcpProtocolError(error)) return { errorClass: `protocol_${error.code}`, retryable: false };
  if (isMcpAbortedError(error)) return { errorClass: 'aborted', retryable: false };
  if (isMcpDisconnectedError(error)) return { errorClass: 'disconnected', retryable: false };
  if (isFastMcpShutdownError(error)) return { errorClass: 'shutdown', retryable: false };
  return { errorClass: 'unknown', retryable: false };
}

/** The DLQ kind of an operation's final error, or null when it must not be dead-lettered. */
export function deadLetterKindOf(error: unknown): DeadLetterKind | null {
  if (isRetryExhaustedError(error)) return 'retries_exhausted';
  if (isMcpAuthError(error)) return 'auth';
  if (isMcpDeliveryUnknownError(error)) return 'delivery_unknown';
  if (isCircuitOpenError(error)) return 'circuit_open';
  if (isRateLimitedError(error)) return 'rate_limited';
  if (isMcpTimeoutError(error)) return error.scope === 'budget' ? 'budget_exhausted' : 'timeout';
  if (isMcpHttpError(error)) return 'http';
  if (isMcpTransportError(error) || isMcpSocketWaitError(error)) return 'transport';
  if (isMcpProtocolError(error)) return 'protocol';
  // Ended by the shutdown grace: kept, so nothing the app was doing is lost.
  if (isFastMcpShutdownError(error)) return 'shutdown';
  return null;
}

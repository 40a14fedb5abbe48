import {
  type FastMcpError,
  isCircuitOpenError,
  isDlqEntryNotFoundError,
  isDlqJobLimitError,
  isRateLimitedError,
  isDlqUnavailableError,
  isDlqValidationError,
  isFastMcpConfigError,
  isFastMcpShutdownError,
  isMcpDeliveryUnknownError,
  isMcpTimeoutError,
  isMcpUrlElicitationRequiredError,
  isReplayConflictError,
  isRetryExhaustedError,
  isUnknownClientError,
} from '@app/fastmcp';
import { HttpStatus } from '@nestjs/common';

/**
 * The HTTP status of a library error: unknown entry or client 404, bad DLQ argument or call input
 * 400, replay already running (or delivery unknown without force) 409, a URL the user must visit
 * before the server takes the call 409 (a conflict the user resolves, then sends again), too many
 * bulk replay jobs running 429, DLQ store unreachable, circuit open, rate limit full or shutting
 * down 503, upstream timeout 504, other upstream failure 502.
 */
export function fastMcpErrorStatus(error: FastMcpError): HttpStatus {
  if (isDlqEntryNotFoundError(error) || isUnknownClientError(error)) return HttpStatus.NOT_FOUND;
  if (isDlqValidationError(error) || isFastMcpConfigError(error)) return HttpStatus.BAD_REQUEST;
  if (isReplayConflictError(error) || isMcpUrlElicitationRequiredError(error)) {
    return HttpStatus.CONFLICT;
  }
  if (isDlqJobLimitError(error)) return HttpStatus.TOO_MANY_REQUESTS;
  if (
    isDlqUnavailableError(error) ||
    isCircuitOpenError(error) ||
    isRateLimitedError(error) ||
    isFastMcpShutdownError(error)
  ) {
    return HttpStatus.SERVICE_UNAVAILABLE;
  }
  const last = isRetryExhaustedError(error)
    ? error.lastError
    : isMcpDeliveryUnknownError(error)
      ? error.cause
      : error;
  if (isMcpTimeoutError(last) || isMcpTimeoutError(error)) return HttpStatus.GATEWAY_TIMEOUT;
  return HttpStatus.BAD_GATEWAY;
}

import { type Delivery, isFastMcpError } from '../errors/fastmcp.error.js';
import { isFastMcpShutdownError } from '../errors/fastmcp-shutdown.error.js';
import { isMcpDeliveryUnknownError } from '../errors/mcp-delivery-unknown.error.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { isMcpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';
import { isMcpTimeoutError } from '../errors/mcp-timeout.error.js';

/**
 * Whether a failed attempt may have reached the server. The transport marks what it knows
 * (a refused connection, a request never written); a status in `notDeliveredStatusCodes`
 * (429, 503 by default) is a refusal; anything else may have run.
 */
export function deliveryOf(error: unknown, notDeliveredStatusCodes: readonly number[]): Delivery {
  if (isFastMcpError(error) && error.delivery) return error.delivery;
  if (isMcpHttpError(error) && notDeliveredStatusCodes.includes(error.status)) {
    return 'not_delivered';
  }
  return 'unknown';
}

/**
 * Whether an operation's final error says the call may have run and must not run again unasked
 * (its dead letter is marked `deliveryUnknown`): a retry withheld (McpDeliveryUnknownError), or
 * the shutdown grace or the call's budget ending while a request not safe to repeat was out, or
 * an answer to one too large to hold.
 */
export function endedDeliveryUnknown(error: unknown): boolean {
  if (isMcpDeliveryUnknownError(error)) return true;
  const cut =
    isFastMcpShutdownError(error) ||
    isMcpResponseTooLargeError(error) ||
    (isMcpTimeoutError(error) && error.scope === 'budget');
  return cut && error.delivery === 'unknown';
}

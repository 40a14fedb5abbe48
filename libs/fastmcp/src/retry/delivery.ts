import { type Delivery, isFastMcpError } from '../errors/fastmcp.error.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';

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

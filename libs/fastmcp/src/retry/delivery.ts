import { type Delivery, isFastMcpError } from '../errors/fastmcp.error.js';
import { isFastMcpShutdownError } from '../errors/fastmcp-shutdown.error.js';
import { isMcpAuthError } from '../errors/mcp-auth.error.js';
import { isMcpDeliveryUnknownError } from '../errors/mcp-delivery-unknown.error.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpTimeoutError } from '../errors/mcp-timeout.error.js';
import { isMcpTransportError } from '../errors/mcp-transport.error.js';
import { URL_ELICITATION_REQUIRED } from '../errors/mcp-url-elicitation-required.error.js';
import {
  HEADER_MISMATCH,
  MISSING_CLIENT_CAPABILITY,
  UNSUPPORTED_PROTOCOL_VERSION,
} from '../protocol/modern-errors.js';

/**
 * JSON-RPC errors a server answers before it runs anything: a request it could not parse, one
 * that is not a valid request, a method it does not have, invalid params (an unknown tool), a URL
 * elicitation required first (2025-11-25: the request cannot be processed until it is done), and
 * the 2026-07-28 revision's header mismatch, missing capability and unsupported version.
 */
const REFUSAL_RPC_CODES: ReadonlySet<number> = new Set([
  -32700,
  -32600,
  -32601,
  -32602,
  URL_ELICITATION_REQUIRED,
  HEADER_MISMATCH,
  MISSING_CLIENT_CAPABILITY,
  UNSUPPORTED_PROTOCOL_VERSION,
]);

/** The delivery a JSON-RPC error the server answered with proves: a refusal, or nothing. */
export function rpcErrorDelivery(code: number): Delivery | undefined {
  return REFUSAL_RPC_CODES.has(code) ? 'not_delivered' : undefined;
}

/**
 * Whether a failed attempt may have reached the server. The transport marks what it knows
 * (a refused connection, a request never written, a JSON-RPC refusal); an auth refusal, a 4xx
 * other than 408 and a status in `notDeliveredStatusCodes` (429, 503 by default) are refusals;
 * anything else (a 5xx, a timeout, an answer that is not valid MCP) may have run.
 */
export function deliveryOf(error: unknown, notDeliveredStatusCodes: readonly number[]): Delivery {
  if (isFastMcpError(error) && error.delivery) return error.delivery;
  if (isMcpAuthError(error)) return 'not_delivered';
  if (isMcpHttpError(error) && isRefusal(error.status, notDeliveredStatusCodes)) {
    return 'not_delivered';
  }
  return 'unknown';
}

/**
 * Whether an operation's final error says the call may have run and must not run again unasked
 * (its dead letter is marked `deliveryUnknown`): a retry withheld (McpDeliveryUnknownError), or
 * the shutdown grace or the call's budget ending while a request not safe to repeat was out, or
 * an answer to one that failed for good (a status not retried, an answer too large or not valid
 * MCP, a JSON-RPC error other than a refusal), which the retry run marks `delivery: 'unknown'`.
 */
export function endedDeliveryUnknown(error: unknown): boolean {
  if (isMcpDeliveryUnknownError(error)) return true;
  const cut =
    isFastMcpShutdownError(error) ||
    isMcpHttpError(error) ||
    isMcpProtocolError(error) ||
    isMcpTransportError(error) ||
    isMcpTimeoutError(error);
  return cut && error.delivery === 'unknown';
}

/** A 4xx but 408 (a proxy may have passed the request on), or a configured refusal. */
function isRefusal(status: number, notDeliveredStatusCodes: readonly number[]): boolean {
  return (
    (status >= 400 && status < 500 && status !== 408) || notDeliveredStatusCodes.includes(status)
  );
}

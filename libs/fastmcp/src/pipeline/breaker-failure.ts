import type { FastMcpError } from '../errors/fastmcp.error.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { isMcpTimeoutError } from '../errors/mcp-timeout.error.js';
import { isMcpTransportError } from '../errors/mcp-transport.error.js';

/**
 * Whether a failed attempt says the server is unwell: transport failures, attempt timeouts and
 * 5xx. Never a 4xx, a JSON-RPC error, a caller's abort or a lost session (the server answered).
 */
export function countsAgainstServer(error: FastMcpError): boolean {
  if (isMcpHttpError(error)) return error.status >= 500;
  if (isMcpTimeoutError(error)) return error.scope === 'attempt';
  if (isMcpTransportError(error)) return error.failure !== 'session_lost';
  return false;
}

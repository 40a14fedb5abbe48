import type {
  ClientCapabilities,
  Implementation,
  LoggingLevel,
} from '@modelcontextprotocol/sdk/types.js';
import { encodeHeaderValue } from './mcp-param-headers.js';

/** The `_meta` keys of the 2026-07-28 request envelope. */
export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
export const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';

/** The body field each method mirrors into `Mcp-Name`. */
const NAME_SOURCE: Record<string, string> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  // The tasks extension: routes a task's requests to the instance that holds it.
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

/** The `_meta` key of a 2026-07-28 request's log level (no key: no log messages for it). */
export const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';

/** Who the client is, sent with every modern request, and the log level it asks for. */
export interface ClientEnvelope {
  clientInfo: Implementation;
  capabilities: ClientCapabilities;
  logLevel?: LoggingLevel;
}

/** `params` with the modern `_meta` envelope (any `_meta` the caller set is kept). */
export function withEnvelope(
  params: Record<string, unknown> | undefined,
  protocolVersion: string,
  client: ClientEnvelope,
): Record<string, unknown> {
  const meta = (params?._meta ?? {}) as Record<string, unknown>;
  // Object.assign, not spreads: on Node 20 a spread followed by keys costs about 1.5 us a key.
  const envelope = Object.assign({}, meta, {
    [PROTOCOL_VERSION_META_KEY]: protocolVersion,
    [CLIENT_CAPABILITIES_META_KEY]: client.capabilities,
    [CLIENT_INFO_META_KEY]: client.clientInfo,
  });
  if (client.logLevel) envelope[LOG_LEVEL_META_KEY] = client.logLevel;
  return Object.assign({}, params, { _meta: envelope });
}

/**
 * The standard request headers of a modern POST: `MCP-Protocol-Version` (equal to the `_meta`
 * value), `Mcp-Method`, and `Mcp-Name` for the methods that name a tool, prompt, resource or task.
 */
export function standardHeaders(
  method: string,
  params: Record<string, unknown> | undefined,
  protocolVersion: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'mcp-protocol-version': protocolVersion,
    'mcp-method': method,
  };
  const field = Object.hasOwn(NAME_SOURCE, method) ? NAME_SOURCE[method] : undefined;
  const name = field ? params?.[field] : undefined;
  if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name);
  return headers;
}

import {
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type JSONRPCNotification,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { UpstreamText } from './upstream-text.js';

export type RequestId = string | number;

export function jsonRpcRequest(
  id: RequestId,
  method: string,
  params?: Record<string, unknown>,
): JSONRPCRequest {
  return params === undefined
    ? { jsonrpc: '2.0', id, method }
    : { jsonrpc: '2.0', id, method, params };
}

export function jsonRpcNotification(
  method: string,
  params?: Record<string, unknown>,
): JSONRPCNotification {
  return params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
}

/** `params` with `_meta.progressToken` set, so the server may report progress on it. */
export function withProgressToken(
  params: Record<string, unknown> | undefined,
  token: RequestId,
): Record<string, unknown> {
  const meta = (params?._meta ?? {}) as Record<string, unknown>;
  return { ...params, _meta: { ...meta, progressToken: token } };
}

/** Parses one JSON-RPC message (or a batch) with the SDK's schema; throws -32700 on garbage. */
export function parseMessages(text: string): JSONRPCMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new McpProtocolError(-32700, 'response is not valid JSON');
  }
  const items: unknown[] = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (isPlainResult(item)) return item;
    const parsed = JSONRPCMessageSchema.safeParse(item);
    if (!parsed.success) throw new McpProtocolError(-32700, 'response is not a JSON-RPC message');
    return parsed.data;
  });
}

/**
 * A success response in its plain shape (`jsonrpc`, `id`, an object `result`): what almost every
 * answer is, so it skips the schema. Its result is checked by the operation that asked for it.
 */
function isPlainResult(item: unknown): item is JSONRPCMessage {
  if (typeof item !== 'object' || item === null) return false;
  const message = item as Record<string, unknown>;
  const id = message.id;
  const result = message.result;
  return (
    message.jsonrpc === '2.0' &&
    (typeof id === 'string' || typeof id === 'number') &&
    typeof result === 'object' &&
    result !== null &&
    !Array.isArray(result) &&
    !('method' in message) &&
    !('error' in message)
  );
}

/**
 * The result of the response to `id`, if `message` is that response. A JSON-RPC error becomes a
 * typed McpProtocolError, its message and data scrubbed by `upstream` (a server may repeat the
 * request's headers in them; without one, of credential shapes only). Unrelated messages
 * (notifications, server requests) give `undefined`.
 */
export function matchResponse(
  message: JSONRPCMessage,
  id: RequestId,
  upstream: UpstreamText = new UpstreamText({ headers: {}, url: '' }),
): { result: Record<string, unknown> } | undefined {
  if (!('id' in message) || message.id !== id || 'method' in message) return undefined;
  if ('error' in message) {
    const { code, message: text, data } = message.error;
    throw new McpProtocolError(code, upstream.scrub(text), { data: upstream.scrubJson(data) });
  }
  if ('result' in message) return { result: message.result };
  return undefined;
}

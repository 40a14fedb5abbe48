import {
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type JSONRPCNotification,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { McpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';
import {
  McpUrlElicitationRequiredError,
  URL_ELICITATION_REQUIRED,
} from '../errors/mcp-url-elicitation-required.error.js';
import { requiredElicitationsOf } from '../protocol/url-elicitation.js';
import { rpcErrorDelivery } from '../retry/delivery.js';
import { jsonShapeLimits, jsonShapeOver } from './json-shape.js';
import { batchItems } from './message-batch.js';
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
  // Object.assign, not spreads and a key: on Node 20 those cost about 1.5 us a key.
  return Object.assign({}, params, { _meta: Object.assign({}, meta, { progressToken: token }) });
}

/**
 * Parses one JSON-RPC message (or a batch of at most MAX_BATCH_MESSAGES); throws -32700 on
 * garbage, -32600 on a longer batch, McpResponseTooLargeError (`containers`, `values`) on more
 * objects and arrays, or values, than `maxBytes` allows. A message in a plain shape skips the
 * SDK's schema (a success response, a request, a notification); the rest are checked by it.
 */
export function parseMessages(text: string, maxBytes = Number.POSITIVE_INFINITY): JSONRPCMessage[] {
  const over = jsonShapeOver(text, jsonShapeLimits(maxBytes));
  if (over) throw new McpResponseTooLargeError(over, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new McpProtocolError(-32700, 'response is not valid JSON');
  }
  return batchItems(value).map((item) => {
    if (isPlainResult(item)) return item;
    const call = plainCallOf(item);
    if (call) return call;
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

const REQUEST_FIELDS = new Set(['jsonrpc', 'id', 'method', 'params']);
const NOTIFICATION_FIELDS = new Set(['jsonrpc', 'method', 'params']);

/**
 * A request or a notification in its plain shape: `jsonrpc`, a string `method`, an object
 * `params` if any, a string or integer `id` for a request. The envelope the schema checks,
 * without running it: a notification's params are read (by its method's schema) only when the
 * client handles that method, a request's when a handler answers it. Other members are left
 * out of a copy: one a server added to a notification failed the call whose answer it preceded,
 * after the tool had run (the SDK's client reads on too).
 */
function plainCallOf(item: unknown): JSONRPCMessage | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const message = item as Record<string, unknown>;
  if (message.jsonrpc !== '2.0' || typeof message.method !== 'string') return undefined;
  const params = message.params;
  if (params !== undefined && (typeof params !== 'object' || params === null)) return undefined;
  if (Array.isArray(params)) return undefined;
  const isRequest = 'id' in message;
  if (isRequest && !(typeof message.id === 'string' || Number.isInteger(message.id))) {
    return undefined;
  }
  const fields = isRequest ? REQUEST_FIELDS : NOTIFICATION_FIELDS;
  for (const key in message) {
    if (!fields.has(key)) return onlyFields(message, fields) as JSONRPCMessage;
  }
  return item as JSONRPCMessage;
}

function onlyFields(
  message: Record<string, unknown>,
  fields: Set<string>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of fields) if (key in message) copy[key] = message[key];
  return copy;
}

/**
 * The result of the response to `id`, if `message` is that response. A JSON-RPC error becomes a
 * typed McpProtocolError (-32042: McpUrlElicitationRequiredError, with its checked elicitations),
 * its message and data scrubbed by `upstream` (a server may repeat the request's headers in them;
 * without one, of credential shapes only). Unrelated messages (notifications, server requests)
 * give `undefined`. Only an answer that carries no other request's response may be read with it:
 * an error without an id is taken as `id`'s.
 */
export function matchResponse(
  message: JSONRPCMessage,
  id: RequestId,
  upstream: UpstreamText = new UpstreamText({ headers: {}, url: '' }),
): { result: Record<string, unknown> } | undefined {
  if ('method' in message) return undefined;
  // An error without an id answers a request the server could not read (the spec allows that
  // one case): on the answer to one request, that request is `id`.
  if ('id' in message ? message.id !== id : !('error' in message)) return undefined;
  if ('error' in message) {
    const { code, message: text, data } = message.error;
    const fields = { data: upstream.scrubJson(data), delivery: rpcErrorDelivery(code) };
    if (code === URL_ELICITATION_REQUIRED) {
      const elicitations = requiredElicitationsOf(data, upstream);
      throw new McpUrlElicitationRequiredError(elicitations, upstream.scrub(text), fields);
    }
    throw new McpProtocolError(code, upstream.scrub(text), fields);
  }
  if ('result' in message) return { result: message.result };
  return undefined;
}

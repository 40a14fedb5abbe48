import { CLIENT_CAPABILITIES_META_KEY, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { errorResponse, type RpcRequest } from './json-rpc-http.js';

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** The SDK's `HEADER_MISMATCH_ERROR_CODE`, which its `ProtocolErrorCode` does not export. */
const HEADER_MISMATCH = -32020;

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/** The `extensions` of the request's `_meta` client capabilities (empty when none). */
function clientExtensions(params: RpcRequest['params']): Record<string, unknown> {
  const capabilities = record(record(params?._meta)?.[CLIENT_CAPABILITIES_META_KEY]);
  return record(capabilities?.extensions) ?? {};
}

/** Whether the request declares the tasks extension in its own client capabilities. */
export const declaresTasks = (rpc: RpcRequest): boolean =>
  clientExtensions(rpc.params)[TASKS_EXTENSION] !== undefined;

/** `params` with the tasks extension taken out of the `_meta` client capabilities. */
export function withoutTasks(params: RpcRequest['params']): Record<string, unknown> {
  const meta = record(params?._meta) ?? {};
  const capabilities = record(meta[CLIENT_CAPABILITIES_META_KEY]) ?? {};
  const extensions = { ...clientExtensions(params) };
  delete extensions[TASKS_EXTENSION];
  return {
    ...params,
    _meta: { ...meta, [CLIENT_CAPABILITIES_META_KEY]: { ...capabilities, extensions } },
  };
}

/** The -32021 answer to a client that did not declare the tasks extension (HTTP 400, as the SDK). */
export const missingTasksCapability = (id: RpcRequest['id']): Response =>
  errorResponse(
    id,
    {
      code: ProtocolErrorCode.MissingRequiredClientCapability,
      message: 'Missing required client capability',
      data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
    },
    400,
  );

/**
 * The SDK's 400 / -32020 answer when `Mcp-Method` is not the body's method or `Mcp-Name` is not
 * `name` (the tool name or the task id); undefined when they agree.
 */
export function headerMismatch(
  request: Request,
  rpc: RpcRequest,
  name: unknown,
): Response | undefined {
  const method = request.headers.get('mcp-method');
  if (method !== rpc.method) {
    return mismatch(
      rpc.id,
      method,
      `the body names method ${rpc.method} but the Mcp-Method header names ${method ?? '(missing)'}`,
    );
  }
  const header = request.headers.get('mcp-name');
  if (typeof name === 'string' && decodeHeader(header) !== name) {
    return mismatch(
      rpc.id,
      header,
      `the body carries ${JSON.stringify(name)} but the Mcp-Name header names ${JSON.stringify(header ?? '(missing)')}`,
    );
  }
  return undefined;
}

function mismatch(id: RpcRequest['id'], header: string | null, body: string): Response {
  const error = {
    code: HEADER_MISMATCH,
    message: `Bad Request: the request headers and body disagree: ${body}`,
    data: { mismatch: { header: header ?? '(missing)', body } },
  };
  return errorResponse(id, error, 400);
}

/** A header value, its `=?base64?...?=` form decoded. */
function decodeHeader(value: string | null): string | null {
  const encoded = value === null ? undefined : /^=\?base64\?(.*)\?=$/i.exec(value)?.[1];
  return encoded === undefined ? value : Buffer.from(encoded, 'base64').toString('utf8');
}

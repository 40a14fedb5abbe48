import { withoutCredentialSegments } from '../auth/configured-secrets.js';
import { isFastMcpError } from '../errors/fastmcp.error.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { isRetryExhaustedError } from '../errors/retry-exhausted.error.js';
import { classifyError } from '../retry/classify-error.js';
import type { TraceAttributes, TracedRequest } from './operation-tracer.interface.js';

/** `error.type` of an `isError` tool result (OpenTelemetry's MCP conventions). */
export const TOOL_ERROR = 'tool_error';

/** What an error says on a span: its `error.type`, status text and codes. */
export interface SpanError {
  type: string;
  message: string;
  attributes: TraceAttributes;
}

/**
 * `error.type` as the MCP and HTTP conventions ask: the JSON-RPC error code, the HTTP status,
 * else the module's error class (`timeout`, `network`, `circuit_open`...).
 */
export function spanError(error: unknown): SpanError {
  const last = isRetryExhaustedError(error) ? error.lastError : error;
  // An error of the caller's own code (an onProgress that threw) may hold anything: its class only.
  const message = isFastMcpError(error) ? error.message : errorClassName(error);
  if (isMcpProtocolError(last)) {
    const code = String(last.code);
    return { type: code, message, attributes: { 'rpc.response.status_code': code } };
  }
  if (isMcpHttpError(last)) {
    return {
      type: String(last.status),
      message,
      attributes: { 'http.response.status_code': last.status },
    };
  }
  return { type: classifyError(last, []).errorClass, message, attributes: {} };
}

function errorClassName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** True for a `tools/call` result with `isError: true`. */
export function isToolError(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { isError?: unknown }).isError === true
  );
}

/**
 * The attributes of one attempt's span (MCP client span and HTTP client span in one). The URL
 * loses its credentials, query and path segments shaped like a credential: none may carry
 * secrets into a trace.
 */
export function requestAttributes(request: TracedRequest, attempt: number): TraceAttributes {
  const url = new URL(request.url);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return {
    'mcp.method.name': request.method,
    'gen_ai.tool.name': request.toolName,
    'gen_ai.operation.name': request.method === 'tools/call' ? 'execute_tool' : undefined,
    'jsonrpc.request.id': String(request.requestId),
    'mcp.protocol.version': request.protocolVersion,
    'mcp.session.id': request.sessionId,
    'network.transport': 'tcp',
    'network.protocol.name': 'http',
    'http.request.method': 'POST',
    'server.address': url.hostname,
    'server.port': port,
    'url.full': `${url.protocol}//${url.host}${withoutCredentialSegments(url.pathname)}`,
    'fastmcp.attempt': attempt,
  };
}

/** `{method} {tool}` or `{method}`: the span name the MCP conventions give. */
export function spanName(method: string, toolName: string | undefined): string {
  return toolName ? `${method} ${toolName}` : method;
}

/** The attributes without the undefined ones (OpenTelemetry drops them with a warning). */
export function definedAttributes(
  attributes: TraceAttributes,
): Record<string, string | number | boolean> {
  const defined: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) defined[key] = value;
  }
  return defined;
}

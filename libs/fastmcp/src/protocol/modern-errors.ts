import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { isMcpProtocolError, McpProtocolError } from '../errors/mcp-protocol.error.js';
import { McpMissingCapabilityError } from '../errors/mcp-missing-capability.error.js';
import { McpResponseTooLargeError } from '../errors/mcp-response-too-large.error.js';
import { McpUnsupportedVersionError } from '../errors/mcp-unsupported-version.error.js';
import { ERROR_BODY_LIMIT } from '../transport/read-body.js';

/** Error codes the 2026-07-28 revision defines: recognising one identifies a modern server. */
export const HEADER_MISMATCH = -32020;
export const MISSING_CLIENT_CAPABILITY = -32021;
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;
const MODERN_CODES = new Set([
  HEADER_MISMATCH,
  MISSING_CLIENT_CAPABILITY,
  UNSUPPORTED_PROTOCOL_VERSION,
]);
const LEGACY_STATUSES = new Set([400, 404, 405]);
/** Statuses whose JSON-RPC body a modern server answers with in-band (400; 404 with -32601). */
const IN_BAND_STATUSES = new Set([400, 404]);

/** The JSON-RPC error a failure carries, from a 4xx body or a 200 answer. */
export function jsonRpcErrorOf(error: unknown): { code: number; data?: unknown } | undefined {
  if (isMcpHttpError(error)) return error.jsonRpc;
  if (isMcpProtocolError(error)) return { code: error.code, data: error.data };
  return undefined;
}

/** True when a failure is one of the modern revision's own errors. */
export function isModernError(error: unknown): boolean {
  const rpc = jsonRpcErrorOf(error);
  return rpc !== undefined && MODERN_CODES.has(rpc.code);
}

/**
 * True for one of the modern revision's errors as the HTTP answer a modern server gives it (400,
 * or 404): a refusal before anything ran. Another status with such a code (a 501, a 5xx behind a
 * proxy) is no refusal: whatever sent it may have run the request.
 */
export function isModernRefusal(error: unknown): boolean {
  return isMcpHttpError(error) && IN_BAND_STATUSES.has(error.status) && isModernError(error);
}

/**
 * True when a modern request got the answer of a 2025-era server: a 400, 404 or 405 with no
 * JSON-RPC error, or with one from the implementation-defined range (-32000 to -32019, where
 * 2025 SDKs put "Server not initialized" and "Session not found"). The era verdict is stale.
 * A body cut before its code is no such answer: it is one the client could not read.
 */
export function isLegacyAnswer(error: unknown): boolean {
  if (!isMcpHttpError(error) || !LEGACY_STATUSES.has(error.status)) return false;
  if (isUnreadAnswer(error)) return false;
  const code = error.jsonRpc?.code;
  return code === undefined || (code <= -32000 && code >= -32019);
}

/**
 * True for a 400, 404 or 405 whose body went on past the read limit before any JSON-RPC error
 * code: neither era's answer can be told from it.
 */
export function isUnreadAnswer(error: unknown): boolean {
  return (
    isMcpHttpError(error) &&
    LEGACY_STATUSES.has(error.status) &&
    error.bodyTruncated &&
    error.jsonRpc === undefined
  );
}

/** How many of the versions a server lists are kept, and how long each may be (as discover). */
const MAX_SERVER_VERSIONS = 20;
const MAX_VERSION_LENGTH = 100;

/**
 * The versions an unsupported-version error lists in `data.supported`, at most 20 of 100
 * characters each; any this client also speaks come first, so a long list cannot hide them.
 */
export function supportedVersionsOf(
  data: unknown,
  clientVersions: readonly string[] = [],
): string[] {
  const supported = (data as { supported?: unknown } | undefined)?.supported;
  if (!Array.isArray(supported)) return [];
  const listed = new Set<unknown>(supported);
  const common = clientVersions.filter((v) => listed.has(v));
  const kept = [...common];
  for (const v of supported as unknown[]) {
    if (kept.length >= MAX_SERVER_VERSIONS) break;
    if (typeof v === 'string' && !common.includes(v)) kept.push(v);
  }
  return kept.slice(0, MAX_SERVER_VERSIONS).map((v) => v.slice(0, MAX_VERSION_LENGTH));
}

/**
 * A modern server's error as the typed error it means: a 400 or 404 with a JSON-RPC body becomes
 * McpProtocolError (code, message and `data` kept; -32022 and -32021 as their own subclasses);
 * one whose body could not be read, McpResponseTooLargeError. Anything else is returned as it is.
 */
export function typedModernError(
  error: unknown,
  clientVersions: readonly string[],
  clientId: string,
): unknown {
  if (isMcpHttpError(error) && isUnreadAnswer(error)) {
    return new McpResponseTooLargeError('error_body', ERROR_BODY_LIMIT, {
      clientId,
      status: error.status,
      cause: error,
    });
  }
  let rpc: { code: number; message: string; data?: unknown } | undefined;
  let status: number | undefined;
  if (isMcpHttpError(error) && IN_BAND_STATUSES.has(error.status)) {
    rpc = error.jsonRpc;
    status = error.status;
  } else if (isMcpProtocolError(error) && MODERN_CODES.has(error.code)) {
    rpc = { code: error.code, message: error.message, data: error.data };
  }
  if (!rpc) return error;
  // Each is a refusal, given before the server ran anything (a 4xx, or one of the revision's codes).
  const fields = {
    clientId,
    status,
    data: rpc.data,
    cause: error,
    delivery: 'not_delivered' as const,
  };
  if (rpc.code === UNSUPPORTED_PROTOCOL_VERSION) {
    return new McpUnsupportedVersionError(
      supportedVersionsOf(rpc.data, clientVersions),
      clientVersions,
      fields,
    );
  }
  if (rpc.code === MISSING_CLIENT_CAPABILITY) {
    const required = (rpc.data as { requiredCapabilities?: unknown } | undefined)
      ?.requiredCapabilities;
    const names = typeof required === 'object' && required !== null ? Object.keys(required) : [];
    return new McpMissingCapabilityError(names, fields);
  }
  return isMcpProtocolError(error) ? error : new McpProtocolError(rpc.code, rpc.message, fields);
}

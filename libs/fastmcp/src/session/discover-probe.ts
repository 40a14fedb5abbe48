import { DiscoverResultSchema } from '@modelcontextprotocol/core';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../client/json-depth.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { isMcpProtocolError, McpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpUnsupportedVersionError } from '../errors/mcp-unsupported-version.error.js';
import { isModernError, isUnreadAnswer, typedModernError } from '../protocol/modern-errors.js';
import { type ClientEnvelope, standardHeaders, withEnvelope } from '../protocol/modern-envelope.js';
import { resultTypeOf } from '../protocol/result-type.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import type { McpHttpTransport } from '../transport/mcp-http.transport.js';
import { UpstreamText } from '../transport/upstream-text.js';

/** What the server's answer to `server/discover` says about its era. */
export type EraVerdict =
  | { era: 'legacy'; serverVersions?: readonly string[] }
  | {
      era: 'modern';
      version: string;
      /** The discover result, when the server gave one (absent after a modern error). */
      discover?: Record<string, unknown>;
    };

/** Answers to a modern request that a 2025-era server gives (without a modern error body). */
const LEGACY_STATUSES = new Set([400, 404, 405]);

/**
 * Probes with `server/discover` (2026-07-28): a discover result or a recognised modern error
 * means a modern server; a 400/404/405 or a JSON-RPC error that is not modern means a 2025-era
 * one. Other failures (network, 5xx, timeouts, an error body too long to read) are thrown for
 * the retry to judge; a result whose `resultType` is not `complete`, or that nests deeper than
 * MAX_JSON_DEPTH, is McpProtocolError.
 */
export async function probeEra(
  transport: McpHttpTransport,
  target: HttpTarget,
  client: ClientEnvelope,
  versions: readonly string[],
  run: RetryRun,
): Promise<EraVerdict> {
  const version = versions[0];
  const params = withEnvelope(undefined, version, client);
  const probeTarget: HttpTarget = { ...target, era: 'modern', protocolVersion: version };
  let result: Record<string, unknown>;
  try {
    ({ result } = await transport.request(probeTarget, 'server/discover', params, run, {
      headers: standardHeaders('server/discover', params, version),
      // Both eras' answers are answers: only a failure the probe throws marks its span.
      expectedFailure: (error) => isModernError(error) || isLegacyRefusal(error),
    }));
  } catch (error) {
    if (isModernError(error)) {
      const typed = typedModernError(error, versions, run.clientId);
      if (!isMcpUnsupportedVersionError(typed)) return { era: 'modern', version };
      const common = versions.find((v) => typed.serverVersions.includes(v));
      if (common) return { era: 'modern', version: common };
      return { era: 'legacy', serverVersions: typed.serverVersions };
    }
    if (isUnreadAnswer(error)) throw typedModernError(error, versions, run.clientId);
    if (isLegacyRefusal(error)) return { era: 'legacy' };
    throw error;
  }
  // Neither input_required (mrtr) nor an unknown resultType is a discover result: both fail.
  resultTypeOf(result, 'server/discover', target, {
    clientId: run.clientId,
    operation: run.operation,
  });
  // Before the schema, whose recursion (capabilities are any JSON) a deep enough value overflows.
  if (nestsDeeperThan(result, MAX_JSON_DEPTH)) {
    throw new McpProtocolError(
      -32603,
      `the server/discover result nests deeper than ${MAX_JSON_DEPTH} levels`,
      { clientId: run.clientId, operation: run.operation },
    );
  }
  const parsed = DiscoverResultSchema.safeParse(result);
  if (!parsed.success) return { era: 'legacy' };
  const common = versions.find((v) => parsed.data.supportedVersions.includes(v));
  if (!common) {
    // Named in an error message later: scrubbed like anything else the server says back.
    const upstream = new UpstreamText(target);
    const named = parsed.data.supportedVersions.slice(0, 20).map((v) => upstream.excerpt(v, 100));
    return { era: 'legacy', serverVersions: named };
  }
  return { era: 'modern', version: common, discover: parsed.data };
}

/** A 2025-era server's answer to a modern request: a 400/404/405, or a JSON-RPC error. */
function isLegacyRefusal(error: unknown): boolean {
  return (isMcpHttpError(error) && LEGACY_STATUSES.has(error.status)) || isMcpProtocolError(error);
}

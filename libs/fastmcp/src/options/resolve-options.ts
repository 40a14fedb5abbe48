import { join } from 'node:path';
import { durationMs } from './duration.js';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import {
  ALL_DEAD_LETTER_KINDS,
  DEFAULT_CLIENT_INFO,
  DEFAULT_DLQ_SPILL_FILE,
  DEFAULT_DLQ_OPTIONS,
  DEFAULT_METRICS_OPTIONS,
  DEFAULT_RESPONSE_LIMITS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_RETRY_OPTIONS,
} from './fastmcp-options.defaults.js';
import { retryPolicyFields } from './retry-policy-fields.js';
import type {
  FastMcpModuleOptions,
  ResolvedDlqOptions,
  ResolvedFastMcpOptions,
} from './fastmcp-options.interface.js';
import { validateOptions } from './validate-options.js';

/** Merges defaults once, validates once and freezes. Throws FastMcpConfigError listing every bad field. */
export function resolveOptions(raw: FastMcpModuleOptions = {}): ResolvedFastMcpOptions {
  const resolved: ResolvedFastMcpOptions = {
    baseUrl: raw.baseUrl,
    servers: { ...(raw.servers ?? {}) },
    retry: { ...DEFAULT_RETRY_OPTIONS, ...definedFields(retryPolicyFields(raw.retry) ?? {}) },
    retryOperations: { ...(raw.retry?.operations ?? {}) },
    dlq: raw.dlq === false ? false : resolveDlq(raw.dlq ?? {}),
    metrics:
      raw.metrics === false
        ? false
        : { ...DEFAULT_METRICS_OPTIONS, ...definedFields(raw.metrics ?? {}) },
    clientInfo: raw.clientInfo ?? { ...DEFAULT_CLIENT_INFO },
    handlers: { ...(raw.handlers ?? {}) },
    resilience: { ...(raw.resilience ?? {}) },
    maxResponseBytes: raw.maxResponseBytes ?? DEFAULT_RESPONSE_LIMITS.maxResponseBytes,
    maxBufferedResponseBytes:
      raw.maxBufferedResponseBytes ?? DEFAULT_RESPONSE_LIMITS.maxBufferedResponseBytes,
    shutdownGraceMs: raw.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    tracing: raw.tracing ?? true,
  };
  const checks = validateOptions(raw, resolved);
  if (checks.issues.length > 0) throw new FastMcpConfigError(checks.issues);
  return deepFreeze(resolved, statefulAuth(resolved));
}

/** `servers.*.auth` objects that are OAuth providers: they keep tokens, so they stay mutable. */
function statefulAuth(resolved: ResolvedFastMcpOptions): Set<unknown> {
  const auths = Object.values(resolved.servers).map((server) => server.auth);
  return new Set(auths.filter((auth) => auth !== undefined && !('type' in auth)));
}

function resolveDlq(
  dlq: NonNullable<Exclude<FastMcpModuleOptions['dlq'], false>>,
): ResolvedDlqOptions {
  return {
    ...DEFAULT_DLQ_OPTIONS,
    store: dlq.redis ? 'redis' : 'memory',
    storeKinds: [...ALL_DEAD_LETTER_KINDS],
    secretHeaders: [],
    spillFile: join(process.cwd(), DEFAULT_DLQ_SPILL_FILE),
    ...definedFields(dlq),
    // Not an array: kept as given, for the validation to name.
    redrive: Array.isArray(dlq.redrive)
      ? dlq.redrive.map((policy) => ({
          match: policy?.match ?? {},
          afterMs: durationMs(policy?.after),
          backoff: policy?.backoff ?? 2,
          maxRedrives: policy?.maxRedrives ?? 5,
        }))
      : (dlq.redrive ?? []),
  };
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as Partial<T>;
}

function deepFreeze<T>(value: T, keep: ReadonlySet<unknown>): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  // A Redis client or an OAuth provider handed in by the user must stay usable.
  if (keep.has(value) || (value.constructor !== Object && !Array.isArray(value))) return value;
  for (const field of Object.values(value)) deepFreeze(field, keep);
  return Object.freeze(value);
}

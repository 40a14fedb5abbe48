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
import { isAnyObject, isOptionsObject, kindOf } from './option-checks.js';
import { retryPolicyFields } from './retry-policy-fields.js';
import type { DlqOptions } from './dlq-options.interface.js';
import type {
  FastMcpModuleOptions,
  ResolvedDlqOptions,
  ResolvedFastMcpOptions,
} from './fastmcp-options.interface.js';
import { unreadableOptionsError } from './unreadable-options.js';
import { validateOptions } from './validate-options.js';

/**
 * Merges defaults once, validates once and freezes. Throws FastMcpConfigError listing every bad
 * field. `undefined` (no options, or a `forRootAsync` factory that returns nothing) means every
 * default; `null` or anything else that is not an object is refused. A field of the wrong type
 * never reaches the merge: it is resolved as absent, and the validation names it. A getter or
 * Proxy trap that throws is named too.
 */
export function resolveOptions(raw: FastMcpModuleOptions = {}): ResolvedFastMcpOptions {
  try {
    return resolveReadable(raw);
  } catch (error) {
    if (error instanceof FastMcpConfigError) throw error;
    throw unreadableOptionsError(raw, error) ?? error;
  }
}

function resolveReadable(raw: FastMcpModuleOptions): ResolvedFastMcpOptions {
  const input: unknown = raw;
  if (!isOptionsObject(input)) {
    const expected = isAnyObject(input) ? 'a plain object' : 'an object';
    throw new FastMcpConfigError([
      {
        field: 'options',
        message: `must be ${expected} (or undefined for the defaults), got ${kindOf(input)}`,
      },
    ]);
  }
  const retry = objectOr(raw.retry);
  const resolved: ResolvedFastMcpOptions = {
    baseUrl: raw.baseUrl,
    // No prototype: a client id such as `constructor` or `toString` is not a configured server.
    servers: Object.assign(
      Object.create(null) as ResolvedFastMcpOptions['servers'],
      objectOr(raw.servers),
    ),
    retry: { ...DEFAULT_RETRY_OPTIONS, ...definedFields(retryPolicyFields(retry) ?? {}) },
    retryOperations: { ...objectOr(retry.operations) },
    dlq: raw.dlq === false ? false : resolveDlq(objectOr(raw.dlq)),
    metrics:
      raw.metrics === false
        ? false
        : { ...DEFAULT_METRICS_OPTIONS, ...definedFields(objectOr(raw.metrics)) },
    clientInfo: raw.clientInfo === undefined ? { ...DEFAULT_CLIENT_INFO } : raw.clientInfo,
    handlers: { ...objectOr(raw.handlers) },
    resilience: { ...objectOr(raw.resilience) },
    maxResponseBytes: given(raw.maxResponseBytes, DEFAULT_RESPONSE_LIMITS.maxResponseBytes),
    maxBufferedResponseBytes: given(
      raw.maxBufferedResponseBytes,
      DEFAULT_RESPONSE_LIMITS.maxBufferedResponseBytes,
    ),
    shutdownGraceMs: given(raw.shutdownGraceMs, DEFAULT_SHUTDOWN_GRACE_MS),
    tracing: given(raw.tracing, true),
  };
  const checks = validateOptions(raw, resolved);
  if (checks.issues.length > 0) throw new FastMcpConfigError(checks.issues);
  return frozenCopy(resolved, statefulAuth(resolved));
}

/** The value when given, else the default: `null` is kept, for the validation to name. */
function given<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** An options object as given, or in place of a wrong value an empty one (all fields optional). */
function objectOr<T extends object>(value: T | false | null | undefined): T {
  return isOptionsObject(value) ? value : ({} as T);
}

/** `servers.*.auth` objects that are OAuth providers: they keep tokens, so they stay mutable. */
function statefulAuth(resolved: ResolvedFastMcpOptions): Set<unknown> {
  const auths = Object.values(resolved.servers).map((server) => server.auth);
  return new Set(auths.filter((auth) => auth !== undefined && !('type' in auth)));
}

function resolveDlq(dlq: DlqOptions): ResolvedDlqOptions {
  return {
    ...DEFAULT_DLQ_OPTIONS,
    store: isOptionsObject(dlq.redis) ? 'redis' : 'memory',
    storeKinds: [...ALL_DEAD_LETTER_KINDS],
    secretHeaders: [],
    spillFile: join(process.cwd(), DEFAULT_DLQ_SPILL_FILE),
    ...definedFields(dlq),
    // Not an array: kept as given, for the validation to name.
    redrive: Array.isArray(dlq.redrive)
      ? dlq.redrive.map((policy) => ({
          match: given(policy?.match, {}),
          afterMs: durationMs(policy?.after),
          backoff: given(policy?.backoff, 2),
          maxRedrives: given(policy?.maxRedrives, 5),
        }))
      : given(dlq.redrive, []),
  };
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as Partial<T>;
}

/**
 * A frozen copy of the plain objects and arrays, not the caller's own: a config object the caller
 * shares or changes later stays theirs (freezing it in place broke their next write).
 */
function frozenCopy<T>(value: T, keep: ReadonlySet<unknown>): T {
  if (typeof value !== 'object' || value === null || keep.has(value)) return value;
  if (Array.isArray(value)) {
    return Object.freeze((value as unknown[]).map((item) => frozenCopy(item, keep))) as T;
  }
  // A Redis client or an OAuth provider handed in by the user must stay usable.
  if (!isOptionsObject(value)) return value;
  // fromEntries defines own properties: a `__proto__` key stays a key.
  const copy = Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, frozenCopy(field, keep)]),
  );
  return Object.freeze(
    Object.setPrototypeOf(copy, Object.getPrototypeOf(value) as object | null),
  ) as T;
}

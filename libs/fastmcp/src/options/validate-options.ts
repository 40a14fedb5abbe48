import type { FastMcpModuleOptions, ResolvedFastMcpOptions } from './fastmcp-options.interface.js';
import { OptionChecks } from './option-checks.js';
import { CONFIGURABLE_PROTOCOL_VERSIONS } from './protocol-versions.js';
import type { OperationRetryOverrides, RetryOptions } from './retry-options.interface.js';
import { retryPolicyFields } from './retry-policy-fields.js';
import { OPERATION_NAMES } from '../events/operation-name.js';
import type { McpServerConfig } from './server-config.interface.js';
import { checkServerAuth } from './validate-auth-options.js';
import { checkResilience } from './validate-resilience-options.js';
import { checkResponseLimits } from './validate-response-limits.js';
import { checkDlq } from './validate-dlq-options.js';

const TOOL_RETRY_MODES = ['always', 'never', 'idempotent'];
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const METRIC_NAMESPACE_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
const HTTP_PROTOCOLS = ['http', 'https'] as const;

/** Checks the user's options and the resolved ones; returns every problem found. */
export function validateOptions(
  raw: FastMcpModuleOptions,
  resolved: ResolvedFastMcpOptions,
): OptionChecks {
  const checks = new OptionChecks();
  if (raw.baseUrl !== undefined) checks.url('baseUrl', raw.baseUrl, HTTP_PROTOCOLS);
  checkServers(checks, resolved);
  checkRetry(checks, resolved.retry, 'retry');
  checkOperationRetries(checks, resolved.retry, raw.retry?.operations, 'retry.operations');
  checkDlq(checks, resolved);
  checkResilience(checks, 'resilience', raw.resilience);
  checkResponseLimits(checks, resolved);
  checks.integer('shutdownGraceMs', resolved.shutdownGraceMs, 0);
  checks.oneOf('tracing', resolved.tracing, [true, false]);
  if (resolved.metrics) {
    checks.pattern(
      'metrics.namespace',
      resolved.metrics.namespace,
      METRIC_NAMESPACE_PATTERN,
      'a Prometheus name prefix ([a-zA-Z_][a-zA-Z0-9_]*)',
    );
    checks.integer('metrics.maxClientIdLabels', resolved.metrics.maxClientIdLabels, 1, 10_000);
  }
  return checks;
}

function checkServers(checks: OptionChecks, resolved: ResolvedFastMcpOptions): void {
  if (!checks.plainObject('servers', resolved.servers)) return;
  for (const [clientId, server] of Object.entries(resolved.servers)) {
    const field = `servers.${clientId}`;
    checks.pattern(field, clientId, CLIENT_ID_PATTERN, 'a client id of letters, digits, . _ : -');
    if (!checks.plainObject(field, server)) continue;
    checks.url(`${field}.url`, server.url, HTTP_PROTOCOLS);
    if (server.headers !== undefined && checks.plainObject(`${field}.headers`, server.headers)) {
      for (const [name, value] of Object.entries(server.headers)) {
        if (typeof value !== 'string') checks.fail(`${field}.headers.${name}`, 'must be a string');
      }
    }
    const retry = server.retry;
    if (retry !== undefined && checks.plainObject(`${field}.retry`, retry)) {
      const merged = { ...resolved.retry, ...retryPolicyFields(server.retry) };
      checkRetry(checks, merged, `${field}.retry`);
      checkOperationRetries(checks, merged, server.retry?.operations, `${field}.retry.operations`);
    }
    if (server.protocolVersion !== undefined) {
      checks.oneOf(
        `${field}.protocolVersion`,
        server.protocolVersion,
        CONFIGURABLE_PROTOCOL_VERSIONS,
      );
    }
    checkToolPolicies(checks, field, server);
    if (server.listen !== undefined) checks.oneOf(`${field}.listen`, server.listen, [true, false]);
    if (server.toolListCache !== undefined) {
      checks.oneOf(`${field}.toolListCache`, server.toolListCache, [true, false]);
    }
    if (server.auth !== undefined) checkServerAuth(checks, `${field}.auth`, server.auth);
    checkResilience(checks, `${field}.resilience`, server.resilience);
  }
}

function checkToolPolicies(checks: OptionChecks, field: string, server: McpServerConfig): void {
  if (server.trustToolAnnotations !== undefined) {
    checks.oneOf(`${field}.trustToolAnnotations`, server.trustToolAnnotations, [true, false]);
  }
  if (server.tools === undefined || !checks.plainObject(`${field}.tools`, server.tools)) return;
  for (const [name, policy] of Object.entries(server.tools)) {
    if (checks.plainObject(`${field}.tools.${name}`, policy)) {
      if (policy.retry !== undefined || policy.priority === undefined) {
        checks.oneOf(`${field}.tools.${name}.retry`, policy.retry, TOOL_RETRY_MODES);
      }
      if (policy.priority !== undefined) {
        checks.oneOf(`${field}.tools.${name}.priority`, policy.priority, ['high', 'normal', 'low']);
      }
    }
  }
}

function checkOperationRetries(
  checks: OptionChecks,
  base: RetryOptions,
  operations: OperationRetryOverrides | undefined,
  field: string,
): void {
  if (operations === undefined || !checks.plainObject(field, operations)) return;
  for (const [operation, overrides] of Object.entries(operations)) {
    checks.oneOf(`${field}.${operation}`, operation, OPERATION_NAMES);
    if (checks.plainObject(`${field}.${operation}`, overrides)) {
      checkRetry(checks, { ...base, ...overrides }, `${field}.${operation}`);
    }
  }
}

/** Checks a retry policy; `prefix` names it in the issues (`retry`, `opts.retry`). */
export function checkRetry(checks: OptionChecks, retry: RetryOptions, prefix: string): void {
  checks.integer(`${prefix}.maxRetries`, retry.maxRetries, 0, 100);
  checks.number(`${prefix}.initialDelayMs`, retry.initialDelayMs, 0);
  checks.number(`${prefix}.multiplier`, retry.multiplier, 1);
  checks.number(`${prefix}.maxDelayMs`, retry.maxDelayMs, 0);
  checks.number(`${prefix}.jitter`, retry.jitter, 0, 1);
  checks.number(`${prefix}.totalTimeoutMs`, retry.totalTimeoutMs, 1);
  checks.number(`${prefix}.requestTimeoutMs`, retry.requestTimeoutMs, 1);
  if (!Array.isArray(retry.retryableStatusCodes)) {
    checks.fail(`${prefix}.retryableStatusCodes`, 'must be an array of HTTP status codes');
    return;
  }
  retry.retryableStatusCodes.forEach((code, i) =>
    checks.integer(`${prefix}.retryableStatusCodes[${i}]`, code, 100, 599),
  );
  checks.oneOf(`${prefix}.ambiguousToolCalls`, retry.ambiguousToolCalls, ['when-safe', 'always']);
  if (!Array.isArray(retry.notDeliveredStatusCodes)) {
    checks.fail(`${prefix}.notDeliveredStatusCodes`, 'must be an array of HTTP status codes');
    return;
  }
  retry.notDeliveredStatusCodes.forEach((code, i) =>
    checks.integer(`${prefix}.notDeliveredStatusCodes[${i}]`, code, 100, 599),
  );
}

import type { FastMcpModuleOptions, ResolvedFastMcpOptions } from './fastmcp-options.interface.js';
import { OptionChecks } from './option-checks.js';
import { MODULE_FIELDS } from './option-fields.js';
import { MAX_TIMER_MS } from './option-limits.js';
import type { ResilienceOptions } from './resilience-options.interface.js';
import { checkClientInfo, checkHandlers, checkMetrics } from './validate-client-options.js';
import { checkDlq } from './validate-dlq-options.js';
import { checkResilience } from './validate-resilience-options.js';
import { checkResponseLimits } from './validate-response-limits.js';
import { checkModuleRetry } from './validate-retry-options.js';
import { checkServers } from './validate-server-options.js';

export { CLIENT_ID_PATTERN } from './client-id.js';
export { checkRetry } from './validate-retry-options.js';

const HTTP_PROTOCOLS = ['http', 'https'] as const;

/**
 * Checks the user's options (their keys and types, as given) and the resolved ones (values over
 * the defaults); returns every problem found.
 */
export function validateOptions(
  raw: FastMcpModuleOptions,
  resolved: ResolvedFastMcpOptions,
): OptionChecks {
  const checks = new OptionChecks();
  checks.options('', raw, MODULE_FIELDS);
  if (raw.baseUrl !== undefined) checks.url('baseUrl', raw.baseUrl, HTTP_PROTOCOLS);
  const resilienceOk = checkResilience(checks, 'resilience', raw.resilience);
  const moduleResilience = resilienceOk ? (raw.resilience as ResilienceOptions) : undefined;
  // Before the servers: a bad module value found again through a server's policy is listed once.
  if (raw.retry !== undefined) checkModuleRetry(checks, raw.retry, resolved);
  checkServers(checks, raw.servers, resolved, moduleResilience);
  checkDlq(checks, raw.dlq, resolved.dlq);
  checkResponseLimits(checks, resolved);
  checks.integer('shutdownGraceMs', resolved.shutdownGraceMs, 0, MAX_TIMER_MS);
  checks.oneOf('tracing', resolved.tracing, [true, false]);
  checkMetrics(checks, raw.metrics, resolved.metrics);
  if (raw.clientInfo !== undefined) checkClientInfo(checks, raw.clientInfo);
  if (raw.handlers !== undefined) checkHandlers(checks, raw.handlers);
  return checks;
}

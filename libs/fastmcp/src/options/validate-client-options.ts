import type { ResolvedFastMcpOptions } from './fastmcp-options.interface.js';
import { isOptionsObject, type OptionChecks } from './option-checks.js';
import { CLIENT_INFO_FIELDS, HANDLER_FIELDS, METRICS_FIELDS } from './option-fields.js';
import { checkElicitationModes } from './validate-elicitation-modes.js';

/** A Prometheus name prefix; one starting `__` is reserved for Prometheus's own labels and names. */
const METRIC_NAMESPACE_PATTERN = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

/** Checks `metrics` as given (`raw`: its type and keys) and as resolved over the defaults. */
export function checkMetrics(
  checks: OptionChecks,
  raw: unknown,
  metrics: ResolvedFastMcpOptions['metrics'],
): void {
  if (raw !== undefined && raw !== false && !isOptionsObject(raw)) {
    checks.fail('metrics', 'must be an object or false');
    return;
  }
  if (raw !== undefined && raw !== false) checks.options('metrics', raw, METRICS_FIELDS);
  if (!metrics) return;
  checks.pattern(
    'metrics.namespace',
    metrics.namespace,
    METRIC_NAMESPACE_PATTERN,
    'a Prometheus name prefix ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)',
  );
  checks.oneOf('metrics.clientIdLabel', metrics.clientIdLabel, [true, false]);
  checks.integer('metrics.maxClientIdLabels', metrics.maxClientIdLabels, 1, 10_000);
}

/** Longest `clientInfo.name` or `version`: both go out with every 2026-07-28 request. */
export const MAX_CLIENT_INFO_LENGTH = 256;

/** `clientInfo`: the `name` and `version` sent in `initialize`. */
export function checkClientInfo(checks: OptionChecks, clientInfo: unknown): void {
  if (!checks.options('clientInfo', clientInfo, CLIENT_INFO_FIELDS)) return;
  for (const field of ['name', 'version'] as const) {
    const value = clientInfo[field];
    if (!checks.nonEmptyString(`clientInfo.${field}`, value)) continue;
    if (value.length > MAX_CLIENT_INFO_LENGTH) {
      checks.fail(
        `clientInfo.${field}`,
        `must be at most ${MAX_CLIENT_INFO_LENGTH} characters, got ${value.length}`,
      );
    }
  }
}

/** Fields of `handlers` that are settings, not functions. */
const HANDLER_SETTINGS = new Set(['samplingTools', 'taskRequests', 'elicitationModes']);

/**
 * `handlers`: each one given is a function; `samplingTools` a boolean, with `sampling`;
 * `taskRequests` a boolean; `elicitationModes` as checkElicitationModes says.
 */
export function checkHandlers(checks: OptionChecks, handlers: unknown): void {
  if (!checks.options('handlers', handlers, HANDLER_FIELDS)) return;
  for (const name of Object.keys(HANDLER_FIELDS)) {
    const handler = handlers[name];
    if (HANDLER_SETTINGS.has(name) || handler === undefined) continue;
    if (typeof handler !== 'function') checks.fail(`handlers.${name}`, 'must be a function');
  }
  const { taskRequests } = handlers;
  if (taskRequests !== undefined && typeof taskRequests !== 'boolean') {
    checks.fail('handlers.taskRequests', 'must be true or false');
  }
  checkElicitationModes(checks, handlers);
  const { samplingTools } = handlers;
  if (samplingTools === undefined) return;
  if (typeof samplingTools !== 'boolean') {
    checks.fail('handlers.samplingTools', 'must be true or false');
  } else if (samplingTools && handlers.sampling === undefined) {
    checks.fail('handlers.samplingTools', 'needs handlers.sampling');
  }
}

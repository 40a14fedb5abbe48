import { CLIENT_ID_PATTERN } from './client-id.js';
import type { ResolvedFastMcpOptions } from './fastmcp-options.interface.js';
import type { OptionChecks } from './option-checks.js';
import { SERVER_FIELDS, TOOL_FIELDS } from './option-fields.js';
import { CONFIGURABLE_PROTOCOL_VERSIONS } from './protocol-versions.js';
import type { ResilienceOptions } from './resilience-options.interface.js';
import { retryPolicyFields } from './retry-policy-fields.js';
import { checkServerAuth } from './validate-auth-options.js';
import { checkResilience } from './validate-resilience-options.js';
import { checkRetryInput } from './validate-retry-options.js';

const TOOL_RETRY_MODES = ['always', 'never', 'idempotent'];
const HTTP_PROTOCOLS = ['http', 'https'] as const;
/** An HTTP field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value may hold: tab, space and visible ASCII (no CR, LF or other controls). */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * Checks `servers`. `moduleResilience` is the module's `resilience` when it passed its own
 * checks: each server's is checked over it, as the pipeline merges them.
 */
export function checkServers(
  checks: OptionChecks,
  servers: unknown,
  resolved: ResolvedFastMcpOptions,
  moduleResilience: ResilienceOptions | undefined,
): void {
  if (servers === undefined || !checks.plainObject('servers', servers)) return;
  for (const [clientId, server] of Object.entries(servers)) {
    const field = `servers.${clientId}`;
    checks.pattern(field, clientId, CLIENT_ID_PATTERN, 'a client id of letters, digits, . _ : -');
    if (!checks.options(field, server, SERVER_FIELDS)) continue;
    checks.url(`${field}.url`, server.url, HTTP_PROTOCOLS);
    if (server.headers !== undefined) checkHeaders(checks, `${field}.headers`, server.headers);
    if (server.retry !== undefined) {
      checkRetryInput(checks, `${field}.retry`, server.retry, (retry) => ({
        ...resolved.retry,
        ...retryPolicyFields(retry),
      }));
    }
    if (server.protocolVersion !== undefined) {
      checks.oneOf(
        `${field}.protocolVersion`,
        server.protocolVersion,
        CONFIGURABLE_PROTOCOL_VERSIONS,
      );
    }
    checkToolPolicies(checks, field, server);
    for (const flag of ['trustToolAnnotations', 'listen', 'toolListCache'] as const) {
      if (server[flag] !== undefined) checks.oneOf(`${field}.${flag}`, server[flag], [true, false]);
    }
    if (server.auth !== undefined) checkServerAuth(checks, `${field}.auth`, server.auth);
    checkResilience(checks, `${field}.resilience`, server.resilience, moduleResilience);
  }
}

/** Names a bad header, never its value; a bad name is quoted up to a colon (`Name: value`). */
function checkHeaders(checks: OptionChecks, field: string, headers: unknown): void {
  if (!checks.plainObject(field, headers)) return;
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      const shown = name.includes(':') ? `${name.slice(0, name.indexOf(':') + 1)}...` : name;
      checks.fail(
        `${field}[${JSON.stringify(shown)}]`,
        "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)",
      );
    } else if (typeof value !== 'string') {
      checks.fail(`${field}.${name}`, 'must be a string');
    } else if (!HEADER_VALUE.test(value)) {
      checks.fail(
        `${field}.${name}`,
        'must be printable ASCII (tab, space and ! to ~; no CR, LF, other control or non-ASCII characters)',
      );
    }
  }
}

function checkToolPolicies(
  checks: OptionChecks,
  field: string,
  server: Record<string, unknown>,
): void {
  if (server.tools === undefined || !checks.plainObject(`${field}.tools`, server.tools)) return;
  for (const [name, policy] of Object.entries(server.tools)) {
    if (!checks.options(`${field}.tools.${name}`, policy, TOOL_FIELDS)) continue;
    if (policy.retry !== undefined || policy.priority === undefined) {
      checks.oneOf(`${field}.tools.${name}.retry`, policy.retry, TOOL_RETRY_MODES);
    }
    if (policy.priority !== undefined) {
      checks.oneOf(`${field}.tools.${name}.priority`, policy.priority, ['high', 'normal', 'low']);
    }
  }
}

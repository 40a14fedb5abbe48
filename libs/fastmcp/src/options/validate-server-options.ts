import { LOGGING_LEVELS } from '../protocol/logging-levels.js';
import { TOOL_NAME_MAX_BYTES } from '../dlq/core/dlq.constants.js';
import { CLIENT_ID_PATTERN } from './client-id.js';
import type { ResolvedFastMcpOptions } from './fastmcp-options.interface.js';
import { HEADER_NAME, type OptionChecks } from './option-checks.js';
import { SERVER_FIELDS, TOOL_FIELDS } from './option-fields.js';
import { CONFIGURABLE_PROTOCOL_VERSIONS } from './protocol-versions.js';
import type { ResilienceOptions } from './resilience-options.interface.js';
import { checkServerAuth } from './validate-auth-options.js';
import { checkResilience } from './validate-resilience-options.js';
import { checkServerRetry } from './validate-retry-options.js';

const TOOL_RETRY_MODES = ['always', 'never', 'idempotent'];
const HTTP_PROTOCOLS = ['http', 'https'] as const;
/** What a header value may hold: tab, space and visible ASCII (no CR, LF or other controls). */
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;
/**
 * Names the HTTP client sets from the request itself (framing, hop-by-hop, host): undici refuses
 * most of them on every request, and a Content-Length or Host of ours would be wrong.
 */
const CLIENT_SET_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'host',
  'expect',
]);

/**
 * Names the MCP transport sets on every request (media types, session, protocol version, stream
 * resumption, and the 2026-07-28 revision's `Mcp-*` request headers): a configured one would be
 * sent in their place or beside them.
 */
const TRANSPORT_SET_HEADERS = new Set(['accept', 'content-type', 'last-event-id']);

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
    if (server.headers !== undefined) {
      checkHeaders(checks, `${field}.headers`, server.headers, server.auth !== undefined);
    }
    if (server.retry !== undefined)
      checkServerRetry(checks, `${field}.retry`, server.retry, resolved);
    if (server.protocolVersion !== undefined) {
      checks.oneOf(
        `${field}.protocolVersion`,
        server.protocolVersion,
        CONFIGURABLE_PROTOCOL_VERSIONS,
      );
    }
    if (server.logLevel !== undefined) {
      checks.oneOf(`${field}.logLevel`, server.logLevel, LOGGING_LEVELS);
    }
    checkToolPolicies(checks, field, server);
    for (const flag of ['trustToolAnnotations', 'listen', 'toolListCache'] as const) {
      if (server[flag] !== undefined) checks.oneOf(`${field}.${flag}`, server[flag], [true, false]);
    }
    if (server.auth !== undefined) checkServerAuth(checks, `${field}.auth`, server.auth);
    checkResilience(checks, `${field}.resilience`, server.resilience, moduleResilience);
  }
}

/**
 * Names a bad header, never its value. A bad name is given by position, not quoted: it may be a
 * pasted `Authorization Bearer ...` line.
 */
function checkHeaders(checks: OptionChecks, field: string, headers: unknown, auth: boolean): void {
  if (!checks.plainObject(field, headers)) return;
  const seen = new Map<string, string>();
  Object.entries(headers).forEach(([name, value], i) => {
    if (!HEADER_NAME.test(name)) {
      checks.fail(
        field,
        `the name of header ${i + 1} (in order) is not an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~); it is not shown, as it may hold a secret`,
      );
      return;
    }
    const lower = name.toLowerCase();
    if (CLIENT_SET_HEADERS.has(lower)) {
      checks.fail(
        `${field}.${name}`,
        'is set by the HTTP client from the request itself (framing, hop-by-hop or host); remove it',
      );
    }
    if (TRANSPORT_SET_HEADERS.has(lower) || lower.startsWith('mcp-')) {
      checks.fail(`${field}.${name}`, 'is set by the MCP transport on every request; remove it');
    } else if (auth && lower === 'authorization') {
      checks.fail(`${field}.${name}`, 'comes from auth, which is set too; remove one of them');
    }
    const first = seen.get(lower);
    if (first === undefined) seen.set(lower, name);
    else checks.fail(`${field}.${name}`, `repeats ${first} (header names ignore case)`);
    if (typeof value !== 'string') {
      checks.fail(`${field}.${name}`, 'must be a string');
    } else if (!HEADER_VALUE.test(value)) {
      checks.fail(
        `${field}.${name}`,
        'must be printable ASCII (tab, space and ! to ~; no CR, LF, other control or non-ASCII characters)',
      );
    }
  });
}

function checkToolPolicies(
  checks: OptionChecks,
  field: string,
  server: Record<string, unknown>,
): void {
  if (server.tools === undefined || !checks.plainObject(`${field}.tools`, server.tools)) return;
  for (const [name, policy] of Object.entries(server.tools)) {
    // A call with such a name is refused (see assertToolCall), so this policy could never apply.
    if (name === '' || Buffer.byteLength(name) > TOOL_NAME_MAX_BYTES) {
      const why = `a tool name of 1 to ${TOOL_NAME_MAX_BYTES} bytes of UTF-8`;
      checks.fail(
        `${field}.tools`,
        `each key must be ${why}, got ${JSON.stringify(name.slice(0, 40))}`,
      );
      continue;
    }
    if (!checks.options(`${field}.tools.${name}`, policy, TOOL_FIELDS)) continue;
    if (policy.retry !== undefined || policy.priority === undefined) {
      checks.oneOf(`${field}.tools.${name}.retry`, policy.retry, TOOL_RETRY_MODES);
    }
    if (policy.priority !== undefined) {
      checks.oneOf(`${field}.tools.${name}.priority`, policy.priority, ['high', 'normal', 'low']);
    }
  }
}

import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { UnknownClientError } from '../errors/unknown-client.error.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import type { McpServerConfig } from '../options/server-config.interface.js';
import { OptionChecks } from '../options/option-checks.js';
import { checkServers } from '../options/validate-server-options.js';
import { CLIENT_ID_PATTERN } from '../options/validate-options.js';
import { MAX_RESPONSE_BYTES, MIN_RESPONSE_BYTES } from '../options/validate-response-limits.js';

/** Refuses a client id that is not a string of letters, digits, `.`, `_`, `:`, `-`. */
export function assertClientIdArgument(clientId: unknown): asserts clientId is string {
  if (typeof clientId === 'string' && CLIENT_ID_PATTERN.test(clientId)) return;
  const got = typeof clientId === 'string' ? JSON.stringify(clientId) : `a ${typeof clientId}`;
  throw new FastMcpConfigError(
    [{ field: 'clientId', message: `must be letters, digits, . _ : - (got ${got})` }],
    'call',
  );
}

/** The server of a client id: the given config, else `servers[clientId]`, else `baseUrl`. */
export function resolveServer(
  clientId: string,
  options: ResolvedFastMcpOptions,
  config?: Partial<McpServerConfig>,
): McpServerConfig {
  assertClientIdArgument(clientId);
  if (
    config !== undefined &&
    (typeof config !== 'object' || config === null || Array.isArray(config))
  ) {
    throw new FastMcpConfigError(
      [{ field: 'config', message: 'must be an object ({ url, ... }) or left out' }],
      'call',
    );
  }
  const known = options.servers[clientId];
  const url = config?.url ?? known?.url ?? options.baseUrl;
  if (!url) throw new UnknownClientError(clientId);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new FastMcpConfigError([
      { field: `servers.${clientId}.url`, message: 'must be an http(s) URL' },
    ]);
  }
  if (config) assertExplicitConfig(clientId, { ...config, url }, options);
  const maxResponseBytes = config?.maxResponseBytes ?? known?.maxResponseBytes;
  if (maxResponseBytes !== undefined) {
    const checks = new OptionChecks();
    checks.integer(
      `servers.${clientId}.maxResponseBytes`,
      maxResponseBytes,
      MIN_RESPONSE_BYTES,
      MAX_RESPONSE_BYTES,
    );
    if (checks.issues.length > 0) throw new FastMcpConfigError(checks.issues);
  }
  return {
    url,
    maxResponseBytes,
    headers: { ...(known?.headers ?? {}), ...(config?.headers ?? {}) },
    protocolVersion: config?.protocolVersion ?? known?.protocolVersion,
    auth: config?.auth ?? known?.auth,
    tools: config?.tools ?? known?.tools,
    trustToolAnnotations: config?.trustToolAnnotations ?? known?.trustToolAnnotations,
    listen: config?.listen ?? known?.listen,
    toolListCache: config?.toolListCache ?? known?.toolListCache,
    logLevel: config?.logLevel ?? known?.logLevel,
  };
}

/** A config given to `connect` meets the same checks as `servers.<clientId>` at start-up. */
function assertExplicitConfig(
  clientId: string,
  config: Partial<McpServerConfig>,
  options: ResolvedFastMcpOptions,
): void {
  const checks = new OptionChecks();
  checkServers(checks, { [clientId]: config }, options, options.resilience);
  if (checks.issues.length > 0) throw new FastMcpConfigError(checks.issues);
}

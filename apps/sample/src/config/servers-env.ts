import type { McpServerConfig } from '@app/fastmcp';
import type { EnvReader } from './env-reader.js';
import { checkResilienceFields } from './resilience-env.js';
import { readServerAuthEnv } from './server-auth-env.js';

export const SERVERS_ENV = 'FASTMCP_SERVERS';
export const BASE_URL_ENV = 'FASTMCP_BASE_URL';
/** The client id FASTMCP_BASE_URL is configured under. */
export const BASE_URL_CLIENT_ID = 'default';

/**
 * FASTMCP_SERVERS (`{"clientId": {"url": "...", "headers": {...}, "auth": {...}, "resilience":
 * {...}}}`, `auth` as readServerAuthEnv reads it, `resilience` as the module's, its field names
 * checked), else FASTMCP_BASE_URL as client id `default`, else none. Only these client ids are
 * ever reachable through the REST API.
 */
export function readServersEnv(env: EnvReader): Record<string, McpServerConfig> {
  const servers = env.json(SERVERS_ENV);
  const baseUrl = env.string(BASE_URL_ENV);
  if (servers !== undefined && baseUrl !== undefined) {
    env.fail(SERVERS_ENV, `set ${SERVERS_ENV} or ${BASE_URL_ENV}, not both`);
    return {};
  }
  if (baseUrl !== undefined) return { [BASE_URL_CLIENT_ID]: { url: baseUrl } };
  if (servers === undefined) return {};
  if (!isRecord(servers) || Object.keys(servers).length === 0) {
    env.fail(SERVERS_ENV, 'expected a non-empty JSON object {"clientId": {"url": "..."}}');
    return {};
  }
  // Keys are checked by env.json (no duplicates, no `__proto__`); fromEntries defines each one as
  // an own property, whatever its name. Unknown fields of a server stay, for the module to name.
  const configs = Object.entries(servers).flatMap(([clientId, server]) => {
    if (!isRecord(server) || typeof server.url !== 'string') {
      env.fail(SERVERS_ENV, `server "${clientId}" needs a "url" string`);
      return [];
    }
    if (server.resilience !== undefined) {
      checkResilienceFields(env, SERVERS_ENV, `server "${clientId}" resilience`, server.resilience);
    }
    const config = server as unknown as McpServerConfig;
    const auth =
      server.auth === undefined ? {} : { auth: readServerAuthEnv(env, clientId, server.auth) };
    return [[clientId, { ...config, ...auth }] as const];
  });
  return Object.fromEntries(configs);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

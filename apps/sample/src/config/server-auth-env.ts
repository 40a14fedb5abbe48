import type { ClientCredentialsAuthOptions } from '@app/fastmcp';
import type { EnvReader } from './env-reader.js';

const SERVERS_ENV = 'FASTMCP_SERVERS';
/**
 * The fields of `auth` in FASTMCP_SERVERS (`clientSecret` and `privateKeyJwt.key` are refused
 * with their own message: secrets go in variables of their own).
 */
const AUTH_FIELDS = ['type', 'clientId', 'clientSecretEnv', 'privateKeyJwt', 'scope', 'issuer'];
const JWT_FIELDS = ['alg', 'keyEnv'];

/**
 * A server's `auth` in FASTMCP_SERVERS: client credentials whose secret (or private key) sits in
 * a variable of its own, named by `clientSecretEnv` (or `privateKeyJwt.keyEnv`), so the JSON
 * holds no secret: `{"type":"client_credentials","clientId":"x","clientSecretEnv":"GITHUB_MCP_SECRET",
 * "scope":"mcp:read","issuer":"https://auth.example.com"}`. The module's own checks run later.
 */
export function readServerAuthEnv(
  env: EnvReader,
  clientId: string,
  raw: unknown,
): ClientCredentialsAuthOptions | undefined {
  const where = `server "${clientId}" auth`;
  if (!isRecord(raw) || raw.type !== 'client_credentials') {
    env.fail(SERVERS_ENV, `${where}: expected {"type":"client_credentials", ...}`);
    return undefined;
  }
  const jwt = isRecord(raw.privateKeyJwt) ? raw.privateKeyJwt : undefined;
  if (raw.clientSecret !== undefined || jwt?.key !== undefined) {
    env.fail(
      SERVERS_ENV,
      `${where}: name the variable holding the secret (clientSecretEnv, privateKeyJwt.keyEnv) instead of writing it here`,
    );
    return undefined;
  }
  if (raw.privateKeyJwt !== undefined && !jwt) {
    env.fail(SERVERS_ENV, `${where}.privateKeyJwt: expected {"alg": "...", "keyEnv": "..."}`);
    return undefined;
  }
  const known =
    knownFields(env, where, raw, AUTH_FIELDS) &&
    (!jwt || knownFields(env, `${where}.privateKeyJwt`, jwt, JWT_FIELDS));
  if (!known) return undefined;
  const auth: ClientCredentialsAuthOptions = {
    type: 'client_credentials',
    clientId: raw.clientId as string,
    scope: raw.scope as string | undefined,
    issuer: raw.issuer as string | undefined,
  };
  if (raw.clientSecretEnv !== undefined) {
    auth.clientSecret = secretFrom(env, raw.clientSecretEnv, `${where}.clientSecretEnv`);
  }
  if (jwt) {
    const key = secretFrom(env, jwt.keyEnv, `${where}.privateKeyJwt.keyEnv`);
    // A PEM in one line of an env file keeps its newlines as \n.
    auth.privateKeyJwt = { key: key?.replace(/\\n/g, '\n') ?? '', alg: jwt.alg as string };
  }
  return auth;
}

/** Fails naming each key of `raw` that is not in `known`; true when there is none. */
function knownFields(
  env: EnvReader,
  where: string,
  raw: Record<string, unknown>,
  known: readonly string[],
): boolean {
  const unknown = Object.keys(raw).filter((key) => !known.includes(key));
  for (const key of unknown) {
    env.fail(SERVERS_ENV, `${where}.${key}: is not a field (${known.join(', ')})`);
  }
  return unknown.length === 0;
}

/** The value of the variable `name` names; a missing one fails naming that variable. */
function secretFrom(env: EnvReader, name: unknown, field: string): string | undefined {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    env.fail(SERVERS_ENV, `${field}: expected the name of an environment variable`);
    return undefined;
  }
  const value = env.string(name);
  if (value === undefined) env.fail(name, `is not set (${SERVERS_ENV} ${field} names it)`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

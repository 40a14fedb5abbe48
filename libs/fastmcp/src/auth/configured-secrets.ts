import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';

/** `Bearer x`, `Basic x`, `Token x`: an auth scheme, then the credential. */
const SCHEME_AND_CREDENTIAL = /^[A-Za-z][\w.-]*\s+(\S+)$/;

/** What of a configured header value is secret: the value, and its credential after a scheme. */
export function headerValueSecrets(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') return [];
  const credential = SCHEME_AND_CREDENTIAL.exec(value.trim())?.[1];
  return credential ? [value.trim(), credential] : [value.trim()];
}

/**
 * The credentials in a URL (`user:password@host`): each part as written and decoded, the pair,
 * and the pair as a Basic credential (what an HTTP client sends for them).
 */
export function urlSecrets(url: string): string[] {
  if (!URL.canParse(url)) return [];
  const { username, password } = new URL(url);
  if (!username && !password) return [];
  const user = decodeURIComponent(username);
  const pass = decodeURIComponent(password);
  const pair = `${user}:${pass}`;
  const parts = [username, password, user, pass, `${username}:${password}`, pair];
  return [...parts, Buffer.from(pair).toString('base64')].filter((part) => part !== '');
}

/** The secrets of the given headers, OAuth header and URL: what a server's upstream may echo. */
export function targetSecrets(
  headers: Readonly<Record<string, string>> | undefined,
  url: string,
  authorization?: string,
): string[] {
  return [
    ...Object.values(headers ?? {}).flatMap(headerValueSecrets),
    ...headerValueSecrets(authorization),
    ...urlSecrets(url),
  ];
}

/** Every header value and URL credential the module's servers are configured with. */
export function configuredSecrets(
  options: Pick<ResolvedFastMcpOptions, 'servers' | 'baseUrl'>,
): string[] {
  const servers = Object.values(options.servers);
  return [
    ...servers.flatMap((server) => targetSecrets(server.headers, server.url)),
    ...urlSecrets(options.baseUrl ?? ''),
  ];
}

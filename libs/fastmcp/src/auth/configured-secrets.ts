import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import { environmentProxyUrls } from '../transport/environment-proxy.js';
import { percentDecoded } from './percent-decoded.js';

/** `Bearer x`, `Basic x`, `Token x`: an auth scheme, then the credential. */
const SCHEME_AND_CREDENTIAL = /^([A-Za-z][\w.-]*)\s+(\S+)$/;

/** The values of `name=value` pairs in a list (`Cookie: sid=x; theme=dark`, `a=1, b=2`). */
const PAIR_VALUE = /(?:^|[;,])\s*[^=;,\s]+=\s*"?([^";,]*)"?/g;

/** Query parameters whose value is a credential: `api_key`, `token`, `sig`, `X-Amz-Credential`... */
const SECRET_PARAM =
  /key|token|secret|sig|pass|pwd|auth|credential|session|code|jwt|bearer|hmac|ticket/i;
/**
 * A query value shaped like a credential whatever its parameter is called (`?t=`, `?x=`): 16 or
 * more token characters with both letters and digits. Ids and versions are seldom that long.
 */
const CREDENTIAL_SHAPED = /^(?=[^]*[A-Za-z])(?=[^]*\d)[\w.~+/%=-]{16,}$/;

/**
 * What of a configured header value is secret: the value, its credential after a scheme (for
 * Basic, also decoded: `user:password` and the password), and each value of a `name=value` list
 * (a server may echo one cookie alone).
 */
export function headerValueSecrets(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') return [];
  const whole = value.trim();
  const [, scheme, credential] = SCHEME_AND_CREDENTIAL.exec(whole) ?? [];
  const basic = scheme?.toLowerCase() === 'basic' ? basicSecrets(credential) : [];
  const pairs = [...whole.matchAll(PAIR_VALUE)].map((match) => match[1].trim());
  return [whole, ...(credential ? [credential] : []), ...basic, ...pairs].filter(
    (part) => part !== '',
  );
}

/** A Basic credential decoded: `user:password`, and the password alone. */
function basicSecrets(credential: string): string[] {
  const pair = Buffer.from(credential, 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon < 0 || pair.includes('\uFFFD')) return [];
  return [pair, pair.slice(colon + 1)];
}

/**
 * The credentials in a URL: `user:password@host` (each part as written and decoded, the pair,
 * and the pair as a Basic credential, what an HTTP client sends for them), and the values of
 * query parameters named or shaped like a credential (`?api_key=...`), as written and decoded.
 */
export function urlSecrets(url: string): string[] {
  if (!URL.canParse(url)) return [];
  const parsed = new URL(url);
  return [...userInfoSecrets(parsed), ...queryParamSecrets(parsed), ...pathSecrets(parsed)];
}

/** What stands for a path segment shaped like a credential wherever a URL is shown or kept. */
const REDACTED_SEGMENT = '[redacted]';

/**
 * A URL path with each segment shaped like a credential replaced: a hosted gateway's URL often
 * carries its key as a segment (`/s/<key>/mcp`).
 */
export function withoutCredentialSegments(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (isCredentialSegment(segment) ? REDACTED_SEGMENT : segment))
    .join('/');
}

/** Path segments shaped like a credential, as written and decoded. */
function pathSecrets(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter(isCredentialSegment)
    .flatMap((segment) => [segment, decodedOrAsIs(segment)]);
}

function isCredentialSegment(segment: string): boolean {
  return CREDENTIAL_SHAPED.test(segment);
}

function queryParamSecrets(url: URL): string[] {
  const secrets: string[] = [];
  for (const pair of url.search.slice(1).split('&')) {
    if (!isCredentialPair(pair)) continue;
    const written = pair.slice(pair.indexOf('=') + 1);
    secrets.push(written, decodedOrAsIs(written.replace(/\+/g, ' ')));
  }
  return secrets.filter((secret) => secret !== '');
}

/** A URL's query (`?a=1&api_key=x`) without the pairs that carry a credential, as written. */
export function withoutCredentialParams(search: string): string {
  const kept = search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isCredentialPair(pair));
  return kept.length > 0 ? `?${kept.join('&')}` : '';
}

/** `name=value` whose name or value says it is a credential. */
function isCredentialPair(pair: string): boolean {
  const at = pair.indexOf('=');
  if (at <= 0) return false;
  return SECRET_PARAM.test(pair.slice(0, at)) || CREDENTIAL_SHAPED.test(pair.slice(at + 1));
}

function decodedOrAsIs(text: string): string {
  return percentDecoded(text) ?? text;
}

function userInfoSecrets({ username, password }: URL): string[] {
  if (!username && !password) return [];
  const user = decodedOrAsIs(username);
  const pass = decodedOrAsIs(password);
  const pair = `${user}:${pass}`;
  const parts = [username, password, user, pass, `${username}:${password}`, pair];
  return [...parts, Buffer.from(pair).toString('base64')].filter((part) => part !== '');
}

/**
 * The secrets of the given headers, OAuth header and URL, and of the proxy the environment names
 * (a proxy's 407 page may quote the credentials it got): what a server's upstream may echo.
 */
export function targetSecrets(
  headers: Readonly<Record<string, string>> | undefined,
  url: string,
  authorization?: string,
): string[] {
  return [
    ...Object.values(headers ?? {}).flatMap(headerValueSecrets),
    ...headerValueSecrets(authorization),
    ...urlSecrets(url),
    ...environmentProxyUrls().flatMap(urlSecrets),
  ];
}

/** Every header value and URL credential the module's servers are configured with, and the proxy's. */
export function configuredSecrets(
  options: Pick<ResolvedFastMcpOptions, 'servers' | 'baseUrl'>,
): string[] {
  const servers = Object.values(options.servers);
  return [
    ...servers.flatMap((server) => targetSecrets(server.headers, server.url)),
    ...targetSecrets(undefined, options.baseUrl ?? ''),
  ];
}

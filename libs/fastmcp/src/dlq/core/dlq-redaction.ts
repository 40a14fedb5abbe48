import { withoutCredentialSegments } from '../../auth/configured-secrets.js';
import { capUtf8 } from './dlq-capping.js';

/** What replaces a secret header value or URL credential. */
export const REDACTED = '[REDACTED]';

// mcp-session-id: whoever holds it can act in the session, so it counts as a credential.
const ALWAYS_SECRET = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'proxy-authorization',
  'mcp-session-id',
]);
const SECRET_PARTS = /token|secret|api-?key|api_key|password|passwd|credential|session-key/i;

/** True when a header (or query parameter) of this name may carry a secret. */
export function isSecretName(name: string, extra: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  return ALWAYS_SECRET.has(lower) || extra.has(lower) || SECRET_PARTS.test(lower);
}

/** Headers an entry keeps at most, the longest name kept, and the bytes kept of each value. */
const HEADERS_KEPT = 64;
const HEADER_NAME_MAX_LENGTH = 256;
const HEADER_VALUE_MAX_BYTES = 8192;

/**
 * A copy of the headers with every secret value replaced: by the header's name, or by its value
 * (`isSecretValue`: a configured header value, a token), whatever the name. Non-string values
 * and names too long to be a header's are dropped; past 64 headers the rest are, and each value
 * is capped at 8 KiB.
 */
export function redactHeaders(
  headers: unknown,
  extra: ReadonlySet<string>,
  isSecretValue: (value: string) => boolean = () => false,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  let seen = 0;
  for (const [name, raw] of Object.entries(headers as Record<string, unknown>)) {
    if (seen === HEADERS_KEPT) break;
    if (name.length > HEADER_NAME_MAX_LENGTH) continue;
    seen++;
    if (isSecretName(name, extra)) {
      out[name] = REDACTED;
      continue;
    }
    const value =
      typeof raw === 'string'
        ? raw
        : typeof raw === 'number' || typeof raw === 'boolean'
          ? String(raw)
          : undefined;
    if (value !== undefined) {
      out[name] = isSecretValue(value) ? REDACTED : capUtf8(value, HEADER_VALUE_MAX_BYTES);
    }
  }
  return out;
}

/**
 * The URL as an entry keeps it: scheme, host, port and path only. The query and fragment may
 * carry tokens or signatures whatever their names, and user info is a credential, so all go.
 * A value that is not a URL is kept only up to its first `?` or `#`.
 */
export function storedUrl(url: string): string {
  // A service talks to a few servers: parsing each URL once matters at thousands of stores/s.
  if (url.length > STORED_URL_CACHED_LENGTH) return withoutSecrets(url);
  let stored = storedUrls.get(url);
  if (stored === undefined) {
    if (storedUrls.size >= STORED_URLS_KEPT) storedUrls.clear();
    stored = withoutSecrets(url);
    storedUrls.set(url, stored);
  }
  return stored;
}

const STORED_URLS_KEPT = 256;
const STORED_URL_CACHED_LENGTH = 2048;
const storedUrls = new Map<string, string>();

function withoutSecrets(url: string): string {
  if (!URL.canParse(url)) return url.split(/[?#]/, 1)[0];
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  parsed.pathname = withoutCredentialSegments(parsed.pathname);
  return parsed.toString();
}

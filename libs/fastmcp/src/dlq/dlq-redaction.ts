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

/**
 * A copy of the headers with every secret value replaced: by the header's name, or by its value
 * (`isSecretValue`: a configured header value, a token), whatever the name. Non-string values
 * are dropped.
 */
export function redactHeaders(
  headers: unknown,
  extra: ReadonlySet<string>,
  isSecretValue: (value: string) => boolean = () => false,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, raw] of Object.entries(headers as Record<string, unknown>)) {
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
    if (value !== undefined) out[name] = isSecretValue(value) ? REDACTED : value;
  }
  return out;
}

/** The URL with user info and secret-looking query parameters redacted. */
export function redactUrl(url: string, extra: ReadonlySet<string>): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = parsed.username ? 'REDACTED' : '';
    parsed.password = parsed.password ? 'REDACTED' : '';
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (isSecretName(name, extra)) {
      parsed.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  return changed ? parsed.toString() : url;
}

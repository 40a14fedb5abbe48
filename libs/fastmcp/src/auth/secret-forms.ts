/** `text` as a form (`application/x-www-form-urlencoded`) encodes a value. */
export function formEncoded(text: string): string {
  return new URLSearchParams({ v: text }).toString().slice(2);
}

/**
 * The forms a secret takes when an upstream quotes it back: as is; percent-encoded as
 * `encodeURIComponent` does, as a form does (`URLSearchParams`: also `~ ! ' ( ) *`, `+` for a
 * space), as RFC 3986 does (all but `A-Z a-z 0-9 - . _ ~`) and as Python's `quote` does (that,
 * `/` kept), each in upper- and lower-case hex; JSON-escaped (also with `\/`, as PHP writes it);
 * and base64-encoded.
 */
export function quotedForms(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  const strict = encoded.replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const percentForms = [
    encoded,
    encoded.replace(/%20/g, '+'),
    formEncoded(secret),
    strict,
    strict.replace(/%2F/g, '/'),
  ];
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    ...percentForms,
    ...percentForms.map((form) => form.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())),
    json,
    json.replace(/\//g, '\\/'),
    // Go's encoding/json escapes < > &; .NET's System.Text.Json also ' + ` and ".
    ...['<>&', `<>&'+\`"`].flatMap((chars) => unicodeEscaped(secret, chars)),
    ...htmlEscaped(secret),
    // A server may log or echo what it got encoded: base64, and base64url (no padding).
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ];
}

/** `secret` JSON-escaped, with `chars` written as `\u00XX`, in lower- and upper-case hex. */
function unicodeEscaped(secret: string, chars: string): string[] {
  const escape = (upper: boolean): string =>
    [...secret]
      .map((char) => {
        if (!chars.includes(char)) return JSON.stringify(char).slice(1, -1);
        const hex = char.charCodeAt(0).toString(16).padStart(4, '0');
        return `\\u${upper ? hex.toUpperCase() : hex}`;
      })
      .join('');
  return [escape(false), escape(true)];
}

/** `secret` as HTML escapes it (an error page quoting it), with named and numeric quotes. */
function htmlEscaped(secret: string): string[] {
  const base = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    base.replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
    base.replace(/"/g, '&#34;').replace(/'/g, '&#x27;'),
  ];
}

/**
 * A client secret as `client_secret_basic` sends it (a token endpoint may quote the
 * Authorization header back): base64 of `id:secret`, raw or form-encoded first.
 */
export function basicAuthForms(clientId: string, clientSecret: string): string[] {
  const basic = (pair: string): string => Buffer.from(pair).toString('base64');
  return [
    basic(`${clientId}:${clientSecret}`),
    basic(`${formEncoded(clientId)}:${formEncoded(clientSecret)}`),
  ];
}

/** Secrets at least this long are also found wrapped across lines. */
export const MIN_WRAPPED_LENGTH = 16;

/**
 * Matches any of `secrets` with a line break (real or JSON-escaped, then indentation) between
 * any two characters: a long key wrapped by a log formatter or a PEM-style writer.
 */
export function wrappedPattern(secrets: readonly string[]): RegExp | undefined {
  const long = secrets.filter((secret) => secret.length >= MIN_WRAPPED_LENGTH);
  if (long.length === 0) return undefined;
  const lineBreak = String.raw`(?:\r?\n|(?:\\r)?\\n)?[ \t]*`;
  const alternatives = long.map((secret) => [...secret].map(escapeRegExp).join(lineBreak));
  return new RegExp(alternatives.join('|'), 'gi');
}

/** Matches any of the short `secrets` as a whole word: inside longer words they are not secrets. */
export function wholeWordPattern(secrets: readonly string[]): RegExp | undefined {
  if (secrets.length === 0) return undefined;
  const words = secrets.map(escapeRegExp).join('|');
  return new RegExp(String.raw`(?<![\w-])(?:${words})(?![\w-])`, 'g');
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

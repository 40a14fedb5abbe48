/** `text` as a form (`application/x-www-form-urlencoded`) encodes a value. */
export function formEncoded(text: string): string {
  return new URLSearchParams({ v: text }).toString().slice(2);
}

/**
 * The forms a secret takes when an upstream quotes it back: as is; percent-encoded as
 * `encodeURIComponent` does, as a form does (`URLSearchParams`: also `~ ! ' ( ) *`, `+` for a
 * space), as RFC 3986 does (all but `A-Z a-z 0-9 - . _ ~`) and as Python's `quote` does (that,
 * `/` kept), each in upper- and lower-case hex; and JSON-escaped (also with `\/`, as PHP writes it).
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
  return new RegExp(alternatives.join('|'), 'g');
}

/** Matches any of the short `secrets` as a whole word: inside longer words they are not secrets. */
export function wholeWordPattern(secrets: readonly string[]): RegExp | undefined {
  if (secrets.length === 0) return undefined;
  const words = secrets.map(escapeRegExp).join('|');
  return new RegExp(String.raw`(?<![\w-])(?:${words})(?![\w-])`, 'g');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

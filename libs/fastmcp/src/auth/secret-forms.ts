/**
 * The forms a secret takes when an upstream quotes it back: as is, percent-encoded (upper- and
 * lower-case hex, `+` for a space, as in a logged URL or a form), and JSON-escaped (also with
 * `\/`, as PHP writes it).
 */
export function quotedForms(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    encoded.replace(/%20/g, '+'),
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

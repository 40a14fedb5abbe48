import { escapeRegExp, quotedForms, wholeWordPattern, wrappedPattern } from './secret-forms.js';

const REDACTED = '[REDACTED]';
/** Known secrets shorter than this are searched for only as whole words (inside words they are not). */
const MIN_SECRET_LENGTH = 6;
/** Known secrets shorter than this are not searched for at all (`1`, `on`, `yes`: ordinary text). */
const MIN_WORD_SECRET_LENGTH = 4;
const MAX_JSON_DEPTH = 10;
/**
 * Longer text is cut to this many characters before it is scrubbed: error text can quote a
 * whole response body, and scrubbing megabytes blocks the event loop.
 */
export const MAX_SCRUB_LENGTH = 4096;

const PATTERNS: Array<[RegExp, string]> = [
  // PEM private keys, also with escaped newlines.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
  // Credentials of an Authorization header.
  [/\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // JWTs (client assertions, JWT access tokens).
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // Form, query and JSON fields that carry a credential.
  [
    /\b(client_secret|client_assertion|access_token|refresh_token|id_token|code_verifier|password|assertion)(\\?["']?\s*[=:]\s*\\?["']?)[^"'&\s,}\\]+/gi,
    `$1$2${REDACTED}`,
  ],
  [/([?&]code=)[^&\s"']+/g, `$1${REDACTED}`],
  // Query parameters named like a credential, in any URL: `?api_key=`, `&X-Amz-Signature=`.
  [
    /([?&][\w.-]*(?:key|token|secret|sig|signature|password|passwd|pwd|credential)=)[^&\s"'#]+/gi,
    `$1${REDACTED}`,
  ],
  // URL credentials: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@"']+@/gi, `$1${REDACTED}@`],
];

/** Matches wherever one of the patterns would (and sometimes more): most text has no secret. */
const MAY_HOLD_CREDENTIAL = new RegExp(PATTERNS.map(([pattern]) => pattern.source).join('|'), 'i');

/**
 * Removes secrets from text meant for errors and logs: known values, and credential shapes.
 * Known values are found in any case: an upstream may echo one where case is not kept (a URL's
 * host is lower-cased when parsed). Short ones, found only as whole words, must match exactly.
 */
export class SecretScrubber {
  private readonly secrets: string[];
  /** `secrets` in lower case, in the same order: what `scrubKnown` looks for first. */
  private readonly lowered: string[];
  private readonly wrapped?: RegExp;
  private readonly shortWords?: RegExp;

  constructor(secrets: Iterable<string | undefined>) {
    const known = new Set<string>();
    for (const secret of secrets) {
      if (typeof secret !== 'string') continue;
      known.add(secret);
      // A PEM key also by each line of its body, in case it shows up re-wrapped.
      for (const line of secret.split(/\r?\n/)) if (!line.startsWith('-----')) known.add(line);
    }
    const trimmed = [...known].map((s) => s.trim());
    const long = trimmed.filter((s) => s.length >= MIN_SECRET_LENGTH);
    // Longest first, so a secret containing another is removed whole.
    this.secrets = [...new Set(long.flatMap(quotedForms))].sort((a, b) => b.length - a.length);
    this.lowered = this.secrets.map((secret) => secret.toLowerCase());
    this.wrapped = wrappedPattern(long);
    this.shortWords = wholeWordPattern(
      trimmed.filter((s) => s.length >= MIN_WORD_SECRET_LENGTH && s.length < MIN_SECRET_LENGTH),
    );
  }

  /** `text` scrubbed, cut to MAX_SCRUB_LENGTH characters first (then ending in `...`). */
  scrub(text: string): string {
    let out = this.scrubKnown(text);
    if (!MAY_HOLD_CREDENTIAL.test(out)) return out;
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /**
   * `text` with the known secrets removed, but not the credential shapes: for text that must stay
   * parseable (a `WWW-Authenticate` challenge, whose `Bearer realm=...` looks like a credential).
   */
  scrubKnown(text: string): string {
    return this.withoutKnown(text.length > MAX_SCRUB_LENGTH ? `${this.cut(text)}...` : text);
  }

  /**
   * `text` whole, with the known secrets removed: for a server's own long words (its
   * `instructions`), which must not be cut. Linear in the text, unlike the credential shapes.
   */
  withoutKnown(text: string): string {
    let out = text;
    let lower = out.toLowerCase();
    this.secrets.forEach((secret, i) => {
      if (!lower.includes(this.lowered[i])) return;
      out = out.replace(new RegExp(escapeRegExp(secret), 'gi'), REDACTED);
      lower = out.toLowerCase();
    });
    if (this.wrapped && /\n|\\n/.test(out)) out = out.replace(this.wrapped, REDACTED);
    if (this.shortWords) out = out.replace(this.shortWords, REDACTED);
    return out;
  }

  /**
   * At most `maxChars` characters of `text` for a message: scrubbed whole first, so a cut never
   * leaves the start of a secret.
   */
  excerpt(text: string, maxChars: number): string {
    return this.scrub(text).slice(0, maxChars);
  }

  /** The first MAX_SCRUB_LENGTH characters, less the longest tail that starts a known secret. */
  private cut(text: string): string {
    const head = text.slice(0, MAX_SCRUB_LENGTH);
    const lower = head.toLowerCase();
    let longest = 0;
    for (const secret of this.lowered) {
      for (let size = Math.min(secret.length - 1, head.length); size > longest; size--) {
        if (lower.endsWith(secret.slice(0, size))) longest = size;
      }
    }
    return longest > 0 ? head.slice(0, -longest) : head;
  }

  /**
   * A copy of a JSON value with every string (keys too) scrubbed, and every number that spells a
   * secret (a PIN header echoed as a number); deeper than 10 levels, `[...]`.
   */
  scrubJson(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (typeof value === 'number') {
      const text = String(value);
      return this.scrubKnown(text) === text ? value : REDACTED;
    }
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_JSON_DEPTH) return '[...]';
    if (Array.isArray(value)) return value.map((item: unknown) => this.scrubJson(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        this.scrub(key),
        this.scrubJson(item, depth + 1),
      ]),
    );
  }

  /**
   * A copy of an error (same prototype, so `instanceof` and OAuth error codes still work) whose
   * strings are scrubbed, down its `cause` chain. Values that are neither strings, numbers nor
   * errors are dropped: nothing a serialiser reaches can hold a secret.
   */
  scrubError(error: unknown, depth = 0): unknown {
    if (!(error instanceof Error)) return this.scrubValue(error, depth);
    const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
    for (const key of Reflect.ownKeys(error)) {
      const descriptor = Object.getOwnPropertyDescriptor(error, key);
      if (!descriptor || !('value' in descriptor)) continue;
      const value: unknown = descriptor.value;
      Object.defineProperty(copy, key, { ...descriptor, value: this.scrubValue(value, depth) });
    }
    Object.defineProperty(copy, 'stack', {
      value: this.scrub(error.stack ?? `${error.name}: ${error.message}`),
      writable: true,
      enumerable: false,
      configurable: true,
    });
    return copy;
  }

  private scrubValue(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) {
      return value;
    }
    if (value instanceof Error && depth < 3) return this.scrubError(value, depth + 1);
    return undefined;
  }
}

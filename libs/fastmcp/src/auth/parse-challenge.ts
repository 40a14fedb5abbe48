import type { AuthChallenge } from './server-auth.interface.js';

/** What a `WWW-Authenticate: Bearer ...` challenge asks for. */
export interface ParsedChallenge {
  resourceMetadataUrl?: URL;
  scope?: string;
  error?: string;
}

/**
 * Reads the Bearer challenge of a `WWW-Authenticate` header, among any others (`DPoP ...,
 * Bearer ...`). A parameter is only ever read as a whole auth-param, never out of another's
 * quoted value; a Bearer challenge that breaks the grammar says nothing.
 */
export function parseChallenge(challenge: AuthChallenge): ParsedChallenge {
  if (!challenge.wwwAuthenticate) return {};
  const params = bearerParams(challenge.wwwAuthenticate);
  if (!params) return {};
  const metadata = params.get('resource_metadata');
  return {
    resourceMetadataUrl: metadata && URL.canParse(metadata) ? new URL(metadata) : undefined,
    scope: params.get('scope') || undefined,
    error: params.get('error') || undefined,
  };
}

/** True for a 403 that asks for more scope. */
export function isStepUp(challenge: AuthChallenge, parsed: ParsedChallenge): boolean {
  return challenge.status === 403 && parsed.error === 'insufficient_scope';
}

/** A `WWW-Authenticate` header as read: several fields of it are one comma-separated list. */
export function wwwAuthenticateOf(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const fields = value.filter((field): field is string => typeof field === 'string');
    return fields.length > 0 ? fields.join(', ') : undefined;
  }
  return typeof value === 'string' ? value : undefined;
}

/** The challenge being read: is it Bearer, and its auth-params by lower-cased name (Bearer only). */
interface Challenge {
  bearer: boolean;
  params: Map<string, string>;
}

/**
 * The auth-params of the first Bearer challenge in `#challenge` (RFC 9110 section 11.6.1), read
 * in one pass that stops once that challenge is complete: linear time, whatever the header
 * holds. A break of the grammar before its end means no Bearer challenge (its parameters, or
 * where it starts, cannot be told apart).
 */
function bearerParams(header: string): Map<string, string> | undefined {
  const scanner = new Scanner(header);
  // undefined before the first challenge and after a token68 one (no auth-param may follow).
  let current: Challenge | undefined;
  for (;;) {
    const separated = scanner.skipSeparators();
    if (scanner.done) return current?.bearer ? current.params : undefined;
    const name = scanner.token();
    if (name === undefined) return undefined;
    if (current && scanner.skipIf('=')) {
      // auth-param = token BWS "=" BWS ( token / quoted-string )
      const value = scanner.token() ?? scanner.quotedString();
      if (value === undefined || !scanner.atListEnd()) return undefined;
      const key = name.toLowerCase();
      // A name given twice is ambiguous (RFC 9110: it MUST occur once per challenge).
      if (current.bearer && current.params.has(key)) return undefined;
      if (current.bearer) current.params.set(key, value);
      continue;
    }
    // Another challenge starts: one without a comma before it breaks the grammar.
    if (current && !separated) return undefined;
    if (current?.bearer) return current.params;
    current = { bearer: name.toLowerCase() === 'bearer', params: new Map() };
    if (scanner.atListEnd()) continue;
    // challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
    if (!scanner.spaces()) return undefined;
    if (scanner.token68()) {
      if (current.bearer) return current.params;
      current = undefined;
    }
  }
}

// Sticky patterns of single-character classes: each match runs forward once, no backtracking.
const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*/y;
const OWS = /[ \t]*/y;
const SEPARATORS = /[ \t,]*/y;
/** qdtext: HTAB, SP, VCHAR but `"` and `\`, obs-text (any character past ASCII, as UTF-8 may hold). */
const QDTEXT = /[\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\uffff]*/y;
/** The second character of a quoted-pair: HTAB, SP, VCHAR, obs-text. */
const QUOTED_CHAR = /[\t\x20-\x7e\x80-\uffff]/y;

/** A cursor over the header; it only moves back to the start of what it failed to read. */
class Scanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  /** Skips OWS and list commas; true when a comma was among them (or at the start). */
  skipSeparators(): boolean {
    const start = this.pos;
    return this.take(SEPARATORS).includes(',') || start === 0;
  }

  token(): string | undefined {
    return this.take(TOKEN) || undefined;
  }

  /** Skips `BWS char BWS` and returns true, or moves nowhere and returns false. */
  skipIf(char: string): boolean {
    const start = this.pos;
    this.take(OWS);
    if (this.text.charAt(this.pos) !== char) {
      this.pos = start;
      return false;
    }
    this.pos += 1;
    this.take(OWS);
    return true;
  }

  /** `1*SP` (HTAB too, as OWS takes it). */
  spaces(): boolean {
    return this.take(OWS).length > 0;
  }

  /** A token68 that is the whole of what is left of its list element; else moves nowhere. */
  token68(): boolean {
    const start = this.pos;
    if (this.take(TOKEN68) && this.atListEnd()) return true;
    this.pos = start;
    return false;
  }

  /** `DQUOTE *( qdtext / quoted-pair ) DQUOTE`, unescaped; undefined when it is not one. */
  quotedString(): string | undefined {
    if (this.text.charAt(this.pos) !== '"') return undefined;
    this.pos += 1;
    let value = '';
    for (;;) {
      value += this.take(QDTEXT);
      const char = this.text.charAt(this.pos);
      this.pos += 1;
      if (char === '"') return value;
      if (char !== '\\') return undefined;
      const escaped = this.take(QUOTED_CHAR);
      if (!escaped) return undefined;
      value += escaped;
    }
  }

  /** OWS, then a comma or the end (the comma is left for `skipSeparators`); else moves nowhere. */
  atListEnd(): boolean {
    const start = this.pos;
    this.take(OWS);
    if (this.done || this.text.charAt(this.pos) === ',') return true;
    this.pos = start;
    return false;
  }

  /** What `pattern` matches here ('' for none), moving past it. */
  private take(pattern: RegExp): string {
    const start = this.pos;
    pattern.lastIndex = start;
    if (!pattern.test(this.text)) return '';
    this.pos = pattern.lastIndex;
    return this.text.slice(start, this.pos);
  }
}

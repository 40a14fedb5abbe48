import { headerValueSecrets, targetSecrets } from '../auth/configured-secrets.js';
import { SecretScrubber } from '../auth/secret-scrubber.js';
import type { HttpTarget } from './http-target.interface.js';

/**
 * Scrubs what a server says back about one request (an error body, a JSON-RPC error, a protocol
 * version) before it becomes an error message, a log line or a dead-letter field: the server's
 * configured header values, the request's OAuth header and those its OAuth handed out lately
 * (text built away from the request knows no other), the URL's credentials and credential
 * shapes. Its scrubber is built on first use: an answer without an error costs nothing.
 */
export class UpstreamText {
  private scrubber?: SecretScrubber;
  /** The latest handed-out authorization the scrubber knows. */
  private builtFor?: string;

  constructor(
    private readonly target: Pick<HttpTarget, 'headers' | 'url' | 'auth'>,
    private readonly authorization?: string,
  ) {}

  scrub(text: string): string {
    return this.get().scrub(text);
  }

  /** `text` without the request's secrets, its shape kept (see SecretScrubber.scrubKnown). */
  scrubKnown(text: string): string {
    return this.get().scrubKnown(text);
  }

  /** `text` whole, without the request's secrets (see SecretScrubber.withoutKnown). */
  withoutKnown(text: string): string {
    return this.get().withoutKnown(text);
  }

  /** At most `maxChars` characters of `text`, scrubbed whole first (see SecretScrubber.excerpt). */
  excerpt(text: string, maxChars: number): string {
    return this.get().excerpt(text, maxChars);
  }

  /** A copy of an error, down its cause chain, with every string scrubbed. */
  scrubError(error: unknown): unknown {
    return this.get().scrubError(error);
  }

  /** A copy of a JSON value (a JSON-RPC error's `data`) with every string scrubbed. */
  scrubJson(value: unknown): unknown {
    return value === undefined ? undefined : this.get().scrubJson(value);
  }

  private get(): SecretScrubber {
    const handedOut = this.target.auth?.recentAuthorizations?.() ?? [];
    // A long-lived context (a session's GET stream, a resumed exchange) outlives a token: a
    // token handed out since the scrubber was built makes it anew.
    const latest = handedOut.at(-1);
    if (this.scrubber && latest === this.builtFor) return this.scrubber;
    this.builtFor = latest;
    this.scrubber = new SecretScrubber([
      ...targetSecrets(this.target.headers, this.target.url, this.authorization),
      ...handedOut.flatMap(headerValueSecrets),
    ]);
    return this.scrubber;
  }
}

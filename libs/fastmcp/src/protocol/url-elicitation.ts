import type { UrlElicitation } from '../errors/mcp-url-elicitation-required.error.js';
import type { UpstreamText } from '../transport/upstream-text.js';

/** Longest URL a url-mode elicitation may hand to a person: 8 KiB of UTF-8, as sent and parsed. */
export const MAX_ELICITATION_URL_BYTES = 8 * 1024;
/** Longest `elicitationId`: ids are remembered until completed, and go into events. */
export const MAX_ELICITATION_ID_LENGTH = 256;
/** Entries of a -32042 error's `data.elicitations` read; the rest are left out. */
export const MAX_REQUIRED_ELICITATIONS = 16;
/** Characters kept of each such entry's `message` (scrubbed first). */
export const MAX_REQUIRED_MESSAGE_CHARS = 1000;

/** The hosts on which an `http:` URL is allowed: the person's own machine. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** The URL parser drops tabs and newlines silently: what a person is shown must be what opens. */
const SPACE_OR_CONTROL = /[\s\p{Cc}]/u;
const CONTROL = /\p{Cc}/u;

/** A URL a person may be sent to, as parsed (`href`), or why not, in our words (never quoted). */
export type CheckedUrl = { href: string } | { problem: string };

/**
 * An elicitation's `url`, checked before anyone sees it: an absolute `https:` URL (`http:` only
 * on 127.0.0.1, ::1 or localhost), without a user name or password, spaces or control
 * characters, at most MAX_ELICITATION_URL_BYTES. `javascript:`, `data:`, `file:` are refused.
 */
export function checkElicitationUrl(url: unknown): CheckedUrl {
  if (typeof url !== 'string') return { problem: 'its url is not a string' };
  if (url.length > MAX_ELICITATION_URL_BYTES || byteLength(url) > MAX_ELICITATION_URL_BYTES) {
    return { problem: `its url is over ${MAX_ELICITATION_URL_BYTES} bytes` };
  }
  if (SPACE_OR_CONTROL.test(url)) return { problem: 'its url holds spaces or control characters' };
  if (!URL.canParse(url)) return { problem: 'its url is not an absolute URL' };
  const parsed = new URL(url);
  if (parsed.username !== '' || parsed.password !== '') {
    return { problem: 'its url carries a user name or password' };
  }
  if (parsed.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname)) {
    return { problem: 'its url is http: on a host that is not loopback (only https: is allowed)' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { problem: 'its url is not https:' };
  }
  // Percent-encoding can lengthen it: what is handed on keeps the bound too.
  if (byteLength(parsed.href) > MAX_ELICITATION_URL_BYTES) {
    return { problem: `its url is over ${MAX_ELICITATION_URL_BYTES} bytes once parsed` };
  }
  return { href: parsed.href };
}

/** Why an `elicitationId` is refused (a non-empty string of bounded length), or undefined. */
export function elicitationIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id.length === 0) {
    return 'its elicitationId is not a non-empty string';
  }
  if (id.length > MAX_ELICITATION_ID_LENGTH) {
    return `its elicitationId is over ${MAX_ELICITATION_ID_LENGTH} characters`;
  }
  if (CONTROL.test(id)) return 'its elicitationId holds control characters';
  return undefined;
}

/**
 * The url-mode elicitations a -32042 error lists in `data.elicitations` (its first
 * MAX_REQUIRED_ELICITATIONS entries), each checked as a url-mode request is. An entry that is not
 * one, or whose URL or id holds one of the request's secrets (a person would hand it to that
 * site), is left out; each message is scrubbed and cut to MAX_REQUIRED_MESSAGE_CHARS.
 */
export function requiredElicitationsOf(data: unknown, upstream: UpstreamText): UrlElicitation[] {
  const listed = (data as { elicitations?: unknown } | null | undefined)?.elicitations;
  if (!Array.isArray(listed)) return [];
  const kept: UrlElicitation[] = [];
  for (const entry of listed.slice(0, MAX_REQUIRED_ELICITATIONS) as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { mode, elicitationId, url, message } = entry as Record<string, unknown>;
    if (mode !== 'url' || typeof message !== 'string') continue;
    if (elicitationIdProblem(elicitationId) !== undefined) continue;
    const checked = checkElicitationUrl(url);
    if ('problem' in checked) continue;
    const id = elicitationId as string;
    const holdsSecret = [url as string, checked.href, id].some(
      (text) => upstream.withoutKnown(text) !== text,
    );
    if (holdsSecret) continue;
    kept.push({
      elicitationId: id,
      url: checked.href,
      message: upstream.excerpt(message, MAX_REQUIRED_MESSAGE_CHARS),
    });
  }
  return kept;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

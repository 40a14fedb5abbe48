import { displayUrl } from '../auth/display-url.js';
import type { UpstreamText } from './upstream-text.js';

/**
 * What a 3xx answer says, for its error: where it points (origin and path only, scrubbed), and
 * that it was not followed, since a redirected request would take its credentials elsewhere.
 */
export function redirectDetail(
  status: number,
  location: unknown,
  requestUrl: string | undefined,
  upstream: UpstreamText,
): string | undefined {
  if (status < 300 || status > 399 || typeof location !== 'string' || location === '') {
    return undefined;
  }
  if (!URL.canParse(location, requestUrl)) return redirectText('(not a URL)');
  // Parsing rewrites a URL (its host in lower case or punycode, its path percent-encoded), so a
  // secret echoed into the Location is looked for as the server wrote it, too.
  if (upstream.scrubKnown(location) !== location) return redirectText('a URL that held a secret');
  return redirectText(upstream.scrub(displayUrl(new URL(location, requestUrl).href)));
}

function redirectText(shown: string): string {
  return `redirected to ${shown}; redirects are not followed (the request would carry its credentials there): configure that URL as the server's url`;
}

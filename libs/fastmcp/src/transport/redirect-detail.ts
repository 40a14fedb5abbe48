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
  const target = URL.canParse(location, requestUrl) ? new URL(location, requestUrl).href : '';
  const shown = target ? upstream.scrub(displayUrl(target)) : '(not a URL)';
  return `redirected to ${shown}; redirects are not followed (the request would carry its credentials there): configure that URL as the server's url`;
}

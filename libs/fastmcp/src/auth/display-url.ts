import { withoutCredentialSegments } from './configured-secrets.js';

/**
 * A URL as origin and path only (no credentials, query or fragment, and no path segment shaped
 * like a credential), for errors and logs.
 */
export function displayUrl(raw: string): string {
  if (!URL.canParse(raw)) return '(not a URL)';
  const url = new URL(raw);
  // "https://as" and "https://as/" parse alike: the trailing "/" is shown only where written.
  const path = url.pathname === '/' && !raw.endsWith('/') ? '' : url.pathname;
  return `${url.origin}${withoutCredentialSegments(path)}`;
}

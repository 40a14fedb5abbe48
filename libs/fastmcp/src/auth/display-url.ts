/** A URL as origin and path only (no credentials, query or fragment), for errors. */
export function displayUrl(raw: string): string {
  if (!URL.canParse(raw)) return '(not a URL)';
  const url = new URL(raw);
  // "https://as" and "https://as/" parse alike: the trailing "/" is shown only where written.
  const path = url.pathname === '/' && !raw.endsWith('/') ? '' : url.pathname;
  return `${url.origin}${path}`;
}

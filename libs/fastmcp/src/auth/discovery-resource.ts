import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import { DiscoveryRefusedError } from './discovery-refused.error.js';
import { withoutCredentialParams } from './configured-secrets.js';
import { displayUrl } from './display-url.js';

/**
 * The MCP server's canonical URI, sent as `resource` (RFC 8707): its URL without fragment, and
 * without credentials (`user:password@`, query pairs that carry one): the resource goes to the
 * authorization server and, in the authorization URL, through a browser and its history.
 */
export function canonicalResource(serverUrl: string | URL): URL {
  const url = new URL(serverUrl);
  url.hash = '';
  url.username = '';
  url.password = '';
  url.search = withoutCredentialParams(url.search);
  return url;
}

/**
 * The `resource` sent: the protected resource metadata's as written when it names this server
 * (an exact-match authorization server registered that string), else the canonical URI, and for
 * a pathless server without the "/" a URL adds (`https://mcp.example.com`, the spec's form).
 */
export function resourceIndicator(serverUrl: string | URL, named?: string): string {
  const canonical = canonicalResource(serverUrl);
  if (named !== undefined && URL.canParse(named) && new URL(named).href === canonical.href) {
    return named;
  }
  return canonical.pathname === '/' && canonical.search === '' ? canonical.origin : canonical.href;
}

/**
 * RFC 9728 section 3.3: the protected resource metadata describes the resource it was fetched
 * for, or it is not used. Fetched from the server's `resource_metadata` URL, its `resource` is
 * the server's URL; fetched from a well-known URL, it is the resource that URL was built from:
 * the server's URL (path-aware URL) or its origin (root URL, the fallback the MCP spec allows).
 * The SDK does not say which well-known URL answered, so both are taken there. Compared as
 * parsed URLs: scheme and host case, default port and an empty path's "/" do not matter.
 */
export function checkProtectedResource(state: OAuthDiscoveryState, serverUrl: string): void {
  const resource = state.resourceMetadata?.resource;
  if (resource === undefined) return;
  const server = canonicalResource(serverUrl);
  const accepted = state.resourceMetadataUrl ? [server.href] : [server.href, `${server.origin}/`];
  const named = URL.canParse(resource) ? new URL(resource).href : resource;
  if (accepted.includes(named)) return;
  throw new DiscoveryRefusedError(
    `the protected resource metadata names resource ${displayUrl(resource)}, not this ` +
      'server: not used (RFC 9728 3.3)',
  );
}

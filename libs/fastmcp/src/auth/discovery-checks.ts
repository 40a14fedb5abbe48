import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import { DiscoveryRefusedError } from './discovery-refused.error.js';
import { checkProtectedResource } from './discovery-resource.js';
import { displayUrl } from './display-url.js';

export interface DiscoveryCheckOptions {
  /** The MCP server's URL, the protected resource. */
  serverUrl: string;
  /** The flow sends a user to the authorization endpoint (authorization code, PKCE). */
  redirectsUser: boolean;
}

/**
 * Throws DiscoveryRefusedError when what discovery found must not be used: protected resource
 * metadata for another resource, authorization server metadata naming another issuer, or, for a
 * flow that redirects a user, an authorization server whose S256 PKCE support is not advertised.
 */
export function checkDiscovery(state: OAuthDiscoveryState, options: DiscoveryCheckOptions): void {
  checkProtectedResource(state, options.serverUrl);
  if (!namesAuthorizationServer(state)) {
    // A 2025-03-26 server: no resource metadata, the authorization server is the MCP server's
    // origin, whose metadata may name another issuer or be missing (then that revision's default
    // endpoints apply). Only the PKCE support of metadata it does publish is checked.
    const metadata = state.authorizationServerMetadata;
    if (options.redirectsUser && metadata) checkPkce(state);
    return;
  }
  checkIssuer(state);
  if (options.redirectsUser) checkPkce(state);
}

function namesAuthorizationServer(state: OAuthDiscoveryState): boolean {
  return (state.resourceMetadata?.authorization_servers?.length ?? 0) > 0;
}

/**
 * RFC 8414 section 3.3 (required by MCP 2026-07-28): the metadata's `issuer` is identical to the
 * issuer its well-known URL was built from (the one the resource metadata named), or the
 * metadata is not used.
 */
function checkIssuer(state: OAuthDiscoveryState): void {
  const issuer = state.authorizationServerMetadata?.issuer;
  if (issuer === undefined) return;
  const expected = state.authorizationServerUrl;
  if (issuer === expected) return;
  throw new DiscoveryRefusedError(
    `the authorization server metadata fetched for ${displayUrl(expected)} names issuer ` +
      `${displayUrl(issuer)}: not used (RFC 8414 3.3)`,
  );
}

/**
 * MCP authorization, Authorization Code Protection: PKCE support is verified in the metadata,
 * and a server that does not advertise it is refused. Without metadata it cannot be verified.
 */
function checkPkce(state: OAuthDiscoveryState): void {
  const server = displayUrl(state.authorizationServerUrl);
  const methods = state.authorizationServerMetadata?.code_challenge_methods_supported;
  if (!state.authorizationServerMetadata) {
    throw new DiscoveryRefusedError(
      `no authorization server metadata found for ${server}: PKCE support cannot be verified, ` +
        'refused',
    );
  }
  if (!methods?.includes('S256')) {
    throw new DiscoveryRefusedError(
      `the authorization server ${server} does not advertise PKCE S256 ` +
        '(code_challenge_methods_supported): refused',
    );
  }
}

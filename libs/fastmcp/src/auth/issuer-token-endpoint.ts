import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';

/**
 * The origin of the token endpoint that the configured issuer's own metadata names (AWS
 * Cognito's and Google's are on another origin than the issuer): metadata fetched from the
 * issuer's origin whose `issuer` is exactly the configured one. Undefined for any other.
 */
export function issuerTokenEndpointOrigin(
  state: OAuthDiscoveryState,
  issuer: string,
): string | undefined {
  const metadata = state.authorizationServerMetadata;
  if (metadata?.issuer !== issuer) return undefined;
  if (new URL(state.authorizationServerUrl).origin !== new URL(issuer).origin) return undefined;
  return new URL(metadata.token_endpoint).origin;
}

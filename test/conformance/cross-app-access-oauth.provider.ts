import type {
  OAuthClientProvider,
  OAuthDiscoveryState,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { CrossAppAccessContext } from './scenario-context.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';

/**
 * Enterprise-managed authorization (SEP-990, cross-app access), non-interactive: the user's ID
 * token from the enterprise IdP is exchanged there (RFC 8693) for an identity assertion grant
 * (ID-JAG) aimed at the MCP server's authorization server, and that grant is then presented to
 * the authorization server as a JWT bearer grant (RFC 7523), the client authenticating with its
 * own credentials. The SDK's `auth()` saves the discovery state (the authorization server's
 * issuer, the resource) before it asks for the token request, which needs both.
 */
export class CrossAppAccessOAuthProvider implements OAuthClientProvider {
  private discovery?: OAuthDiscoveryState;
  private savedTokens?: OAuthTokens;

  constructor(private readonly context: CrossAppAccessContext) {}

  get redirectUrl(): undefined {
    return undefined;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'nestjs-fastmcp conformance driver',
      redirect_uris: [],
      grant_types: [JWT_BEARER],
      token_endpoint_auth_method: 'client_secret_basic',
    };
  }

  clientInformation(): OAuthClientInformationMixed {
    return { client_id: this.context.client_id, client_secret: this.context.client_secret };
  }

  tokens(): OAuthTokens | undefined {
    return this.savedTokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.savedTokens = tokens;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'tokens') this.savedTokens = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }

  redirectToAuthorization(): never {
    throw new Error('cross-app access has no interactive authorization');
  }

  saveCodeVerifier(): void {}

  codeVerifier(): never {
    throw new Error('cross-app access uses no PKCE verifier');
  }

  async prepareTokenRequest(scope?: string): Promise<URLSearchParams> {
    const params = new URLSearchParams({
      grant_type: JWT_BEARER,
      assertion: await this.identityAssertionGrant(),
    });
    if (scope) params.set('scope', scope);
    return params;
  }

  /** RFC 8693 token exchange at the IdP: the user's ID token for an ID-JAG. */
  private async identityAssertionGrant(): Promise<string> {
    const issuer = this.discovery?.authorizationServerMetadata?.issuer;
    const resource = this.discovery?.resourceMetadata?.resource;
    if (!issuer || !resource) {
      throw new Error('no discovery state (authorization server issuer, resource) saved yet');
    }
    const response = await fetch(this.context.idp_token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE,
        requested_token_type: ID_JAG,
        audience: issuer,
        resource,
        subject_token: this.context.idp_id_token,
        subject_token_type: ID_TOKEN,
        client_id: this.context.idp_client_id,
      }),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof body.access_token !== 'string') {
      const reason = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
      throw new Error(`token exchange at the IdP failed: ${reason}`);
    }
    return body.access_token;
  }
}

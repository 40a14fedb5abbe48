import type { InteractiveOAuthClientProvider } from '@app/fastmcp';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/** Where the authorization server sends the user back. Nothing listens there: see below. */
const REDIRECT_URL = 'http://localhost:3000/callback';

export interface AuthorizationCodeProviderOptions {
  /** A URL-based client id (CIMD), used when the authorization server supports it. */
  clientMetadataUrl?: string;
  /** Pre-registered credentials: no dynamic registration. */
  preRegistered?: { client_id: string; client_secret: string };
}

/**
 * An in-memory provider for the authorization-code flow, as a server-side app would have one.
 * The suite's authorization server approves at once: it answers the authorization URL with a
 * redirect to the redirect URI that carries the code. So "the user's browser" is one GET with
 * redirects off, and the code is read from its Location; `authorizationCode()` hands it to the
 * module, which exchanges it.
 */
export class AuthorizationCodeOAuthProvider implements InteractiveOAuthClientProvider {
  readonly clientMetadataUrl?: string;
  private information?: OAuthClientInformationMixed;
  private savedTokens?: OAuthTokens;
  private verifier?: string;
  private code?: Promise<string>;

  constructor(options: AuthorizationCodeProviderOptions = {}) {
    this.clientMetadataUrl = options.clientMetadataUrl;
    this.information = options.preRegistered;
  }

  get redirectUrl(): string {
    return REDIRECT_URL;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'nestjs-fastmcp conformance driver',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.savedTokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.savedTokens = tokens;
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no PKCE code verifier saved');
    return this.verifier;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'tokens') this.savedTokens = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
    if (scope === 'all' || scope === 'client') this.information = undefined;
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    this.code = approve(authorizationUrl);
    await this.code;
  }

  /** The code of the latest authorization; rejects if none was started or it failed. */
  authorizationCode(): Promise<string> {
    return this.code ?? Promise.reject(new Error('no authorization was started'));
  }
}

/** Opens the authorization URL as the user's browser would, and reads the code it redirects with. */
async function approve(authorizationUrl: URL): Promise<string> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (!location) {
    throw new Error(`authorization endpoint answered ${response.status} without a redirect`);
  }
  const redirect = new URL(location, authorizationUrl);
  const error = redirect.searchParams.get('error');
  if (error) throw new Error(`authorization refused: ${error}`);
  const expectedState = authorizationUrl.searchParams.get('state');
  if (expectedState !== null && redirect.searchParams.get('state') !== expectedState) {
    throw new Error('authorization redirect carries the wrong state');
  }
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`authorization redirect has no code: ${redirect.origin}`);
  return code;
}

import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { AutoConsentProvider } from './auto-consent-provider.js';

export interface FlowUserProviderOptions {
  /** Authorizations the user completes; later ones never deliver a code. Default: every one. */
  consents?: number;
  /** Keeps no refresh token (an authorization server need not issue one). Default false. */
  dropRefreshTokens?: boolean;
  /** Keeps no `scope` (a server may leave it out when it granted what was asked). Default false. */
  dropTokenScope?: boolean;
}

/**
 * An AutoConsentProvider whose user may walk away after some authorizations: their
 * authorizationCode() then waits until its signal aborts (the module stopped waiting).
 */
export class FlowUserProvider extends AutoConsentProvider {
  /** authorizationCode() calls so far. */
  asked = 0;

  constructor(private readonly options: FlowUserProviderOptions = {}) {
    super();
  }

  override saveTokens(tokens: OAuthTokens): void {
    const { dropRefreshTokens, dropTokenScope } = this.options;
    super.saveTokens({
      ...tokens,
      refresh_token: dropRefreshTokens ? undefined : tokens.refresh_token,
      scope: dropTokenScope ? undefined : tokens.scope,
    });
  }

  override authorizationCode(signal?: AbortSignal): Promise<string> {
    this.asked += 1;
    if (this.asked <= (this.options.consents ?? Infinity)) return super.authorizationCode();
    return new Promise<string>((_, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  }
}

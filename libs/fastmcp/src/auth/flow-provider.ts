import type {
  OAuthClientProvider,
  OAuthDiscoveryState,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { RefusedRefreshTokens } from './refused-refresh-tokens.js';

/** What one flow may do with the app's provider. */
export interface FlowMode {
  /**
   * A new authorization, never a refresh: the SDK is not shown the refresh token (a refresh
   * keeps the scope of the last authorization; a step-up needs more). The provider keeps it.
   */
  reauthorize?: boolean;
  /**
   * A refresh only: where the SDK would send the user to authorize instead (the refresh failed,
   * or there is no refresh token), the flow fails. For a token that still works meanwhile.
   */
  refreshOnly?: boolean;
}

/** Run around the saving of what discovery found. */
export interface DiscoverySaveHooks {
  /** Throws to refuse it, before the app's provider gets it. */
  before(state: OAuthDiscoveryState): void;
  /** It passed every check. */
  after(state: OAuthDiscoveryState): void;
}

/** A refresh-only flow that got no token: the SDK turned to a new authorization. */
class RefreshFailedError extends Error {
  override readonly name = 'RefreshFailedError';

  constructor() {
    super('the token refresh gave no token; the user is asked again only once the token expires');
  }
}

type Overrides = Pick<
  Required<OAuthClientProvider>,
  | 'tokens'
  | 'discoveryState'
  | 'saveDiscoveryState'
  | 'saveCodeVerifier'
  | 'redirectToAuthorization'
  | 'invalidateCredentials'
>;

/**
 * The provider one flow runs the SDK over: the app's provider (every member read from and
 * called on it), which also records what discovery found and the scope the authorization
 * request asked for, and applies the flow's mode.
 */
export class FlowProvider {
  /** Give this to the SDK. */
  readonly provider: OAuthClientProvider;
  /** The discovery state the SDK used, once it has one. */
  discovery?: OAuthDiscoveryState;
  /** The `scope` of the authorization request, if the flow sent the user to authorize. */
  requestedScope?: string;

  constructor(
    private readonly app: OAuthClientProvider,
    private readonly mode: FlowMode,
    private readonly refused: RefusedRefreshTokens,
    private readonly hooks?: DiscoverySaveHooks,
  ) {
    const overrides: Overrides = {
      tokens: () => this.tokens(),
      discoveryState: () => this.discoveryState(),
      saveDiscoveryState: (state) => this.saveDiscoveryState(state),
      saveCodeVerifier: (verifier) => this.saveCodeVerifier(verifier),
      redirectToAuthorization: (url) => this.redirectToAuthorization(url),
      invalidateCredentials: (scope) => this.invalidateCredentials(scope),
    };
    this.provider = new Proxy(app, {
      get(target, key) {
        if (Object.hasOwn(overrides, key)) return overrides[key as keyof Overrides];
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  }

  private async tokens(): Promise<OAuthTokens | undefined> {
    const tokens = await this.app.tokens();
    const hidden = this.mode.reauthorize || this.refused.has(tokens?.refresh_token);
    return tokens && hidden ? { ...tokens, refresh_token: undefined } : tokens;
  }

  /** The SDK drops credentials a server refused; the refresh token is never presented again. */
  private async invalidateCredentials(
    scope: Parameters<Required<OAuthClientProvider>['invalidateCredentials']>[0],
  ): Promise<void> {
    if (scope === 'all' || scope === 'tokens') {
      const refreshToken = (await this.app.tokens())?.refresh_token;
      if (refreshToken !== undefined) this.refused.add(refreshToken);
    }
    await this.app.invalidateCredentials?.(scope);
  }

  private async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    const state = await this.app.discoveryState?.();
    if (state) this.discovery = state;
    return state;
  }

  private async saveDiscoveryState(state: OAuthDiscoveryState): Promise<void> {
    this.hooks?.before(state);
    await this.app.saveDiscoveryState?.(state);
    this.discovery = state;
    this.hooks?.after(state);
  }

  /** The SDK saves the verifier just before it redirects: a refresh-only flow stops there. */
  private async saveCodeVerifier(verifier: string): Promise<void> {
    if (this.mode.refreshOnly) throw new RefreshFailedError();
    await this.app.saveCodeVerifier(verifier);
  }

  private async redirectToAuthorization(url: URL): Promise<void> {
    if (this.mode.refreshOnly) throw new RefreshFailedError();
    this.requestedScope = url.searchParams.get('scope') ?? undefined;
    await this.app.redirectToAuthorization(url);
  }
}

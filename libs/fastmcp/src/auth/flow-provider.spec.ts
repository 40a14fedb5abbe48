import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { describe, expect, it } from 'vitest';
import { FlowProvider } from './flow-provider.js';
import { RefusedRefreshTokens } from './refused-refresh-tokens.js';

/** An app's provider as apps write them: a class with private state and a getter. */
class AppProvider {
  readonly redirectUrl = 'http://127.0.0.1:1/cb';
  readonly redirects: URL[] = [];
  private saved: OAuthTokens = { access_token: 'at', token_type: 'Bearer', refresh_token: 'rt' };
  private verifier = 'old-verifier';

  get clientMetadata(): OAuthClientMetadata {
    return { redirect_uris: [this.redirectUrl] };
  }
  clientInformation() {
    return { client_id: 'c' };
  }
  tokens(): OAuthTokens {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.redirects.push(url);
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
}

const STATE: OAuthDiscoveryState = { authorizationServerUrl: 'http://127.0.0.1:1' };

describe('FlowProvider', () => {
  it("is the app's provider: its state, getters and missing optional members as they are", async () => {
    const app = new AppProvider();
    const { provider } = new FlowProvider(app, {}, new RefusedRefreshTokens());
    await provider.saveTokens({ access_token: 'new', token_type: 'Bearer' });
    expect(app.tokens().access_token).toBe('new');
    expect(provider.clientMetadata.redirect_uris).toEqual([app.redirectUrl]);
    // The SDK changes course on whether these exist (it only ever calls invalidateCredentials?.()).
    for (const optional of ['validateResourceURL', 'state'] as const) {
      expect(typeof provider[optional]).toBe('undefined');
    }
  });

  it('records the discovery state and the scope the authorization asked for', async () => {
    const app = new AppProvider();
    const flow = new FlowProvider(app, {}, new RefusedRefreshTokens());
    await flow.provider.saveDiscoveryState?.(STATE);
    await flow.provider.redirectToAuthorization(new URL('http://as/authorize?scope=a%20b'));
    expect(flow.discovery).toBe(STATE);
    expect(flow.requestedScope).toBe('a b');
    expect(app.redirects).toHaveLength(1);
  });

  it('hides the refresh token from the SDK for a new authorization, and keeps it', async () => {
    const app = new AppProvider();
    const { provider } = new FlowProvider(app, { reauthorize: true }, new RefusedRefreshTokens());
    expect((await provider.tokens())?.refresh_token).toBeUndefined();
    expect(app.tokens().refresh_token).toBe('rt');
  });

  it('never shows the SDK a refresh token it was told to drop, even when the app keeps it', async () => {
    const app = new AppProvider();
    const refused = new RefusedRefreshTokens();
    const { provider } = new FlowProvider(app, {}, refused);
    await provider.invalidateCredentials?.('verifier');
    expect((await provider.tokens())?.refresh_token).toBe('rt');
    await provider.invalidateCredentials?.('tokens');
    expect(refused.has('rt')).toBe(true);
    expect((await provider.tokens())?.refresh_token).toBeUndefined();
    // A new grant's refresh token is shown again.
    app.saveTokens({ access_token: 'at2', token_type: 'Bearer', refresh_token: 'rt2' });
    expect((await provider.tokens())?.refresh_token).toBe('rt2');
  });

  it("passes the drop on to the app's own invalidateCredentials", async () => {
    const dropped: string[] = [];
    const app = Object.assign(new AppProvider(), {
      invalidateCredentials: (scope: string) => void dropped.push(scope),
    });
    const { provider } = new FlowProvider(app, {}, new RefusedRefreshTokens());
    await provider.invalidateCredentials?.('all');
    expect(dropped).toEqual(['all']);
  });

  it('fails a refresh-only flow before the verifier is replaced or the user sent anywhere', async () => {
    const app = new AppProvider();
    const { provider } = new FlowProvider(app, { refreshOnly: true }, new RefusedRefreshTokens());
    await expect(provider.saveCodeVerifier('new-verifier')).rejects.toThrow(
      'the token refresh gave no token',
    );
    await expect(
      provider.redirectToAuthorization(new URL('http://as/authorize')),
    ).rejects.toThrow();
    expect(app.codeVerifier()).toBe('old-verifier');
    expect(app.redirects).toEqual([]);
  });
});

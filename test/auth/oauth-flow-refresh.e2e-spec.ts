// An early refresh (the token near expiry, still valid) of a user's provider that fails for a
// passing reason (5xx, no answer) must not send the user to log in again and hold the call for
// it: the still-valid token is sent, a refresh tried again after a pause. Past expiry a new
// authorization is the only way, and the request waits for it.
import { afterEach, describe, expect, it } from 'vitest';
import { OAuthServerAuth } from '../../libs/fastmcp/src/auth/oauth-server-auth.js';
import { FakeClock } from '../support/fake-clock.js';
import { FlowTokenOutage, type OutageAnswer } from '../support/oauth/flow-token-outage.js';
import { FlowUserProvider } from '../support/oauth/flow-user-provider.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

const LIFETIME_S = 100;
/** The refresh is due in the last 10 % of the lifetime: here 5 s before expiry. */
const REFRESH_DUE_MS = LIFETIME_S * 950;
/** A still-valid token is sent this long after a failed early refresh, no refresh meanwhile. */
const PAUSE_MS = 5_000;

/** A user's OAuthServerAuth on `clock`, signed in after a first 401: it and its token. */
async function signedIn(provider: FlowUserProvider, serverUrl: string, clock: FakeClock) {
  const auth = new OAuthServerAuth({
    provider,
    serverUrl,
    clientId: 'notes',
    now: () => clock.now(),
    requestTimeoutMs: 300,
  });
  await auth.onChallenge({ status: 401 });
  const token = await auth.authorization();
  expect(token).toMatch(/^Bearer at_/);
  return { auth, token };
}

describe("a user's early refresh that fails for a passing reason", () => {
  let server: OAuthTestServerHandle;
  afterEach(() => server?.close());

  const outages: OutageAnswer[] = ['server_error', 'bad_gateway', 'no_answer'];
  for (const kind of outages) {
    it(`${kind}: sends the still-valid token, no new authorization; past expiry one`, async () => {
      server = await startOAuthTestServer({
        expiresInSeconds: LIFETIME_S,
        tokenOutage: new FlowTokenOutage(kind),
      });
      const provider = new FlowUserProvider({ consents: 1 });
      const clock = new FakeClock();
      const { auth, token } = await signedIn(provider, server.url, clock);

      server.setTokenEndpointDown(true);
      clock.advance(REFRESH_DUE_MS);
      for (let i = 0; i < 3; i += 1) {
        expect(await auth.authorization(AbortSignal.timeout(2_000))).toBe(token);
      }
      expect(provider.authorizationUrls).toHaveLength(1);
      expect(server.tokenRequests.map((r) => r.grantType)).toEqual([
        'authorization_code',
        'refresh_token',
      ]);

      clock.advance(PAUSE_MS);
      const expired = await auth.authorization(AbortSignal.timeout(1_500)).then(
        () => 'sent',
        (error: unknown) => (error as Error).name,
      );
      expect(expired).toBe('TimeoutError');
      expect(provider.authorizationUrls).toHaveLength(2);
    });
  }
});

describe("a user's token that comes with no refresh token", () => {
  let server: OAuthTestServerHandle;
  afterEach(() => server?.close());

  it('is sent until it expires with no flow near expiry (no discovery every pause); past expiry one new authorization', async () => {
    let discoveries = 0;
    server = await startOAuthTestServer({
      expiresInSeconds: LIFETIME_S,
      protectedResourceMetadata: (document) => {
        discoveries += 1;
        return document;
      },
    });
    const provider = new FlowUserProvider({ dropRefreshTokens: true });
    const clock = new FakeClock();
    const { auth, token } = await signedIn(provider, server.url, clock);
    const afterLogin = discoveries;
    expect(afterLogin).toBeGreaterThan(0);

    clock.advance(REFRESH_DUE_MS);
    for (let i = 0; i < 4; i += 1) {
      expect(await auth.authorization()).toBe(token);
      clock.advance(PAUSE_MS / 4);
    }
    expect(discoveries).toBe(afterLogin);
    expect(provider.authorizationUrls).toHaveLength(1);

    clock.advance(LIFETIME_S * 1000);
    const renewed = await auth.authorization();
    expect(renewed).toMatch(/^Bearer at_/);
    expect(renewed).not.toBe(token);
    expect(provider.authorizationUrls).toHaveLength(2);
    expect(server.tokenRequests.map((r) => r.grantType)).toEqual([
      'authorization_code',
      'authorization_code',
    ]);
  });
});

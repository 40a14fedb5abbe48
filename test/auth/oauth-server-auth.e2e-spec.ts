import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMcpAuthError } from '@app/fastmcp';
import { createClientCredentialsProvider } from '../../libs/fastmcp/src/auth/client-credentials-provider.js';
import { OAuthServerAuth } from '../../libs/fastmcp/src/auth/oauth-server-auth.js';
import { FakeClock } from '../support/fake-clock.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

const SECRET = 'svc-secret-0123456789';
const LIFETIME_S = 100;
const CHALLENGE = { status: 401 as const };
const stepUp = (scope: string) => ({
  status: 403 as const,
  wwwAuthenticate: `Bearer error="insufficient_scope", scope="${scope}"`,
});

/** OAuthServerAuth driven directly (no transport), on fake time, against the real server. */
describe('OAuthServerAuth', () => {
  let server: OAuthTestServerHandle;
  let clock: FakeClock;
  let auth: OAuthServerAuth;

  beforeEach(async () => {
    server = await startOAuthTestServer({
      expiresInSeconds: LIFETIME_S,
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read', 'mcp:admin'] }],
    });
    clock = new FakeClock();
    auth = new OAuthServerAuth({
      provider: createClientCredentialsProvider({
        type: 'client_credentials',
        clientId: 'svc',
        clientSecret: SECRET,
        issuer: server.issuer,
      }),
      serverUrl: server.url,
      clientId: 'github',
      now: () => clock.now(),
      secrets: [SECRET],
    });
  });
  afterEach(() => server.close());

  it('refreshes at 90 % of a short lifetime, once for every concurrent caller', async () => {
    await auth.onChallenge(CHALLENGE);
    const first = await auth.authorization();
    expect(first).toMatch(/^Bearer at_/);
    clock.advance(LIFETIME_S * 900 - 1);
    expect(await auth.authorization()).toBe(first);
    expect(server.tokenRequests).toHaveLength(1);
    clock.advance(1);
    const headers = await Promise.all([1, 2, 3, 4, 5].map(() => auth.authorization()));
    expect(new Set(headers).size).toBe(1);
    expect(headers[0]).not.toBe(first);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('keeps the old token when a refresh fails before expiry, and fails past it', async () => {
    await auth.onChallenge(CHALLENGE);
    const first = await auth.authorization();
    await server.close();
    clock.advance(LIFETIME_S * 950);
    expect(await auth.authorization()).toBe(first);
    clock.advance(LIFETIME_S * 50);
    const error = await auth.authorization().catch((e: unknown) => e);
    expect(isMcpAuthError(error)).toBe(true);
    // Nothing answers, the protected resource metadata first: another try may succeed.
    expect(error).toMatchObject({
      status: 401,
      clientId: 'github',
      reason: expect.stringContaining('could not be read (no answer: ECONNREFUSED)') as string,
      transient: true,
    });
  });

  it('while the token endpoint is down, tries an early refresh at most every 5 s', async () => {
    await auth.onChallenge(CHALLENGE);
    const first = await auth.authorization();
    server.setTokenEndpointDown(true);
    clock.advance(LIFETIME_S * 900);
    expect(await auth.authorization()).toBe(first);
    expect(await auth.authorization()).toBe(first);
    expect(server.tokenRequests.map((r) => r.status)).toEqual([200, 503]);
    clock.advance(4_999);
    expect(await auth.authorization()).toBe(first);
    expect(server.tokenRequests).toHaveLength(2);
    server.setTokenEndpointDown(false);
    clock.advance(1);
    expect(await auth.authorization()).not.toBe(first);
    expect(server.tokenRequests.map((r) => r.status)).toEqual([200, 503, 200]);
  });

  it('shares one flow between concurrent challenges, and ignores one to a replaced token', async () => {
    await Promise.all([1, 2, 3, 4].map(() => auth.onChallenge(CHALLENGE)));
    expect(server.tokenRequests).toHaveLength(1);
    await auth.onChallenge({ ...CHALLENGE, authorization: 'Bearer an-older-token' });
    expect(server.tokenRequests).toHaveLength(1);
    await auth.onChallenge({ ...CHALLENGE, authorization: await auth.authorization() });
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('counts step-ups per run: a scope not asked for yet starts a new run', async () => {
    await auth.onChallenge(stepUp('mcp:root'));
    await auth.onChallenge(stepUp('mcp:root'));
    await expect(auth.onChallenge(stepUp('mcp:root'))).rejects.toMatchObject({
      name: 'McpAuthError',
      status: 403,
    });
    expect(server.tokenRequests).toHaveLength(2);
    await auth.onChallenge(stepUp('mcp:admin'));
    expect(server.tokenRequests.map((r) => r.scope)).toEqual([
      'mcp:root',
      'mcp:root',
      'mcp:root mcp:admin',
    ]);
    auth.onSuccess();
    await auth.onChallenge(stepUp('mcp:root'));
    expect(server.tokenRequests).toHaveLength(4);
  });
});

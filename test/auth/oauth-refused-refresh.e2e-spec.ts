// A refresh token the authorization server refused (invalid_grant) is dead. The SDK asks the
// provider to forget it, but invalidateCredentials is optional: a provider without it kept the
// token, and every later flow presented it again, twice each (the SDK retries once after the
// drop). A server that detects reuse counts each as an attack on the grant.
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterEach, describe, expect, it } from 'vitest';
import { OAuthServerAuth } from '../../libs/fastmcp/src/auth/oauth-server-auth.js';
import { isMcpAuthError } from '../../libs/fastmcp/src/errors/mcp-auth.error.js';
import { publicClientProvider } from '../support/oauth/public-client-provider.js';
import { rotatingServer } from '../support/oauth/rotating-token-server.js';

describe('a refresh token the authorization server refused', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  it('is presented once, though the provider has no invalidateCredentials', async () => {
    const server = await rotatingServer(0);
    closers.push(server.close);
    const saved: { tokens: OAuthTokens } = {
      tokens: { access_token: 'at_old', token_type: 'Bearer', refresh_token: 'rt_dead' },
    };
    // Needs a user for a new grant, and has no authorizationCode(): the flow can only refresh.
    const provider = publicClientProvider(saved);
    const auth = new OAuthServerAuth({
      provider,
      serverUrl: server.url,
      clientId: 'notes',
      requestTimeoutMs: 5_000,
    });

    const failures: unknown[] = [];
    for (let call = 0; call < 3; call += 1) {
      failures.push(
        await auth
          .onChallenge({ status: 401, authorization: 'Bearer at_old' })
          .catch((e: unknown) => e),
      );
    }

    expect(failures.every(isMcpAuthError)).toBe(true);
    expect(server.presented).toEqual(['rt_dead']);
    expect(saved.tokens.refresh_token).toBe('rt_dead');
  });
});

// A refresh token that rotates is used up once the authorization server has it. When the only
// call waiting for a refresh gave up, the token request was cut: the server had already rotated
// the grant, the client kept the old refresh token and sent it again, and a server that detects
// reuse (RFC 9700 4.14.2) revokes the whole grant. The token request now ends and its tokens are
// saved, whoever still waits.
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OAuthServerAuth } from '../../libs/fastmcp/src/auth/oauth-server-auth.js';
import { publicClientProvider } from '../support/oauth/public-client-provider.js';
import { rotatingServer } from '../support/oauth/rotating-token-server.js';

describe('a refresh whose only caller gives up', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  it('still ends: the rotated refresh token is saved and never presented twice', async () => {
    const server = await rotatingServer(1_000);
    closers.push(server.close);
    const saved: { tokens: OAuthTokens } = {
      tokens: {
        access_token: 'at_0',
        token_type: 'Bearer',
        refresh_token: 'rt_0',
        expires_in: 100,
      },
    };
    const provider = {
      ...publicClientProvider(saved),
      authorizationCode: (signal?: AbortSignal) =>
        new Promise<string>((_, reject) =>
          signal?.addEventListener('abort', () => reject(new Error('no user'))),
        ),
    };
    let now = 1_000_000;
    const auth = new OAuthServerAuth({
      provider,
      serverUrl: server.url,
      clientId: 'notes',
      requestTimeoutMs: 10_000,
      now: () => now,
    });
    // A first refresh, so the token's lifetime is known: the next request refreshes it ahead.
    await auth.onChallenge({ status: 401, authorization: 'Bearer at_0' });
    expect(saved.tokens.refresh_token).toBe('rt_1');
    now += 101_000;

    // The only caller leaves while the server holds its answer: the grant is rotated to rt_2.
    const left = await auth.authorization(AbortSignal.timeout(200)).catch((e: unknown) => e);
    expect(left).toBeInstanceOf(Error);
    await vi.waitFor(() => expect(saved.tokens.refresh_token).toBe('rt_2'), { timeout: 5_000 });

    expect(await auth.authorization(AbortSignal.timeout(5_000))).toBe('Bearer at_2');
    expect(server.presented).toEqual(['rt_0', 'rt_1']);
    expect([...server.live]).toEqual(['rt_2']);
  });
});

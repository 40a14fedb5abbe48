// A refresh token that rotates is used up once the authorization server has it. When the only
// call waiting for a refresh gave up, the token request was cut: the server had already rotated
// the grant, the client kept the old refresh token and sent it again, and a server that detects
// reuse (RFC 9700 4.14.2) revokes the whole grant. The token request now ends and its tokens are
// saved, whoever still waits.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OAuthServerAuth } from '../../libs/fastmcp/src/auth/oauth-server-auth.js';

/**
 * An authorization server that rotates refresh tokens and refuses a rotated-out one; from the
 * second refresh on, its answer comes `answerDelayMs` late.
 */
async function rotatingServer(answerDelayMs: number) {
  const live = new Set(['rt_0']);
  const presented: string[] = [];
  let issued = 0;
  let base = '';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const json = (status: number, doc: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
      if (req.url === '/.well-known/oauth-protected-resource/mcp') {
        return json(200, { resource: `${base}/mcp`, authorization_servers: [base] });
      }
      if (req.url === '/.well-known/oauth-authorization-server') {
        return json(200, {
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
        });
      }
      if (req.url !== '/token') return json(404, {});
      const refreshToken = new URLSearchParams(body).get('refresh_token') ?? '';
      presented.push(refreshToken);
      if (!live.delete(refreshToken)) {
        return json(400, { error: 'invalid_grant', error_description: 'refresh token reused' });
      }
      issued += 1;
      const tokens = {
        access_token: `at_${issued}`,
        token_type: 'Bearer',
        expires_in: 100,
        refresh_token: `rt_${issued}`,
      };
      // Rotated now; the answer may come late.
      live.add(tokens.refresh_token);
      setTimeout(() => res.destroyed || json(200, tokens), issued >= 2 ? answerDelayMs : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${base}/mcp`, presented, live, close: () => server.close() };
}

describe('a refresh whose only caller gives up', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  it('still ends: the rotated refresh token is saved and never presented twice', async () => {
    const server = await rotatingServer(1_000);
    closers.push(server.close);
    let saved: OAuthTokens = {
      access_token: 'at_0',
      token_type: 'Bearer',
      refresh_token: 'rt_0',
      expires_in: 100,
    };
    const provider = {
      redirectUrl: 'http://127.0.0.1:1/cb',
      clientMetadata: {
        redirect_uris: ['http://127.0.0.1:1/cb'],
        token_endpoint_auth_method: 'none',
      },
      clientInformation: () => ({ client_id: 'c' }),
      tokens: () => saved,
      saveTokens: (tokens: OAuthTokens) => void (saved = tokens),
      redirectToAuthorization: () => undefined,
      saveCodeVerifier: () => undefined,
      codeVerifier: () => 'v'.repeat(43),
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
    expect(saved.refresh_token).toBe('rt_1');
    now += 101_000;

    // The only caller leaves while the server holds its answer: the grant is rotated to rt_2.
    const left = await auth.authorization(AbortSignal.timeout(200)).catch((e: unknown) => e);
    expect(left).toBeInstanceOf(Error);
    await vi.waitFor(() => expect(saved.refresh_token).toBe('rt_2'), { timeout: 5_000 });

    expect(await auth.authorization(AbortSignal.timeout(5_000))).toBe('Bearer at_2');
    expect(server.presented).toEqual(['rt_0', 'rt_1']);
    expect([...server.live]).toEqual(['rt_2']);
  });
});

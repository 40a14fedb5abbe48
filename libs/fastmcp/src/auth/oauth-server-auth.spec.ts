import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { describe, expect, it } from 'vitest';
import { isMcpAuthError, type McpAuthError } from '../errors/mcp-auth.error.js';
import { OAuthServerAuth } from './oauth-server-auth.js';

const TOKEN = 'opaque-access-token-0123456789';

/** The app's provider, holding a token already; no flow runs before the step-up limit. */
const provider = {
  redirectUrl: undefined,
  clientMetadata: { redirect_uris: [] },
  clientInformation: () => ({ client_id: 'svc' }),
  tokens: () => ({ access_token: TOKEN, token_type: 'Bearer' }),
  saveTokens: () => undefined,
} as unknown as OAuthClientProvider;

describe('OAuthServerAuth', () => {
  it('names the scope a refused step-up asks for, without the token a server echoes in it', async () => {
    const auth = new OAuthServerAuth({
      provider,
      serverUrl: 'http://127.0.0.1:1/mcp?api_key=url-key-0123456',
      maxStepUps: 0,
    });
    const error = (await auth
      .onChallenge({
        status: 403,
        authorization: `Bearer ${TOKEN}`,
        wwwAuthenticate: `Bearer error="insufficient_scope", scope="mcp:root ${TOKEN} url-key-0123456"`,
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )) as McpAuthError;
    expect(isMcpAuthError(error)).toBe(true);
    expect(error.reason).toBe(
      'scope step-up limit: 0 step-ups in a row did not satisfy the server (it asks for "mcp:root [REDACTED] [REDACTED]")',
    );
    expect(JSON.stringify(error)).not.toMatch(/opaque-access|url-key/);
  });

  it('knows the last four Authorization headers it handed out, each once', async () => {
    let current = 'token-0';
    const rotating = {
      ...provider,
      tokens: () => ({ access_token: current, token_type: 'Bearer' }),
    } as unknown as OAuthClientProvider;
    const auth = new OAuthServerAuth({ provider: rotating, serverUrl: 'http://127.0.0.1:1/mcp' });
    expect(auth.recentAuthorizations()).toEqual([]);
    for (let n = 0; n < 6; n += 1) {
      current = `token-${n}`;
      await auth.authorization();
      await auth.authorization();
    }
    expect(auth.recentAuthorizations()).toEqual([
      'Bearer token-2',
      'Bearer token-3',
      'Bearer token-4',
      'Bearer token-5',
    ]);
  });
});

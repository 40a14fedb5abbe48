import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpAuthError, type McpAuthError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { AutoConsentProvider } from '../support/oauth/auto-consent-provider.js';
import { InMemoryOAuthProvider } from '../support/oauth/in-memory-oauth-provider.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

describe('an SDK OAuthClientProvider as servers.*.auth (authorization code)', () => {
  let server: OAuthTestServerHandle;
  let app: ClientTestApp;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  it('registers, gets the code from authorizationCode(), exchanges it, and later refreshes', async () => {
    server = await startOAuthTestServer({ expiresInSeconds: 2 });
    const provider = new AutoConsentProvider();
    app = await startClientApp({ servers: { notes: { url: server.url, auth: provider } } });

    const result = await app.client.callToolWithRetry('notes', 'echo', { text: 'hi' });
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(server.registrations).toBe(1);
    expect(provider.authorizationUrls).toHaveLength(1);
    const authorizeUrl = provider.authorizationUrls[0];
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('resource')).toBe(server.url);

    await sleep(2100);
    await app.client.callToolWithRetry('notes', 'echo', { text: 'later' });
    expect(server.tokenRequests.map((r) => `${r.grantType} ${r.status}`)).toEqual([
      'authorization_code 200',
      'refresh_token 200',
    ]);
    expect(server.mcpRequests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('fails with McpAuthError when the provider cannot deliver a user authorization', async () => {
    server = await startOAuthTestServer();
    const provider = new InMemoryOAuthProvider();
    app = await startClientApp({ servers: { notes: { url: server.url, auth: provider } } });

    const error = (await app.client
      .callToolWithRetry('notes', 'echo', { text: 'x' })
      .catch((e: unknown) => e)) as McpAuthError;
    expect(isMcpAuthError(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, server: server.url, clientId: 'notes' });
    expect(error.reason).toBe(
      "the server needs a user's authorization and the provider has no authorizationCode()",
    );
    // The SDK did start the flow: the provider was sent to the authorization URL.
    expect(provider.authorizationUrls).toHaveLength(1);
    expect(server.tokenRequests).toEqual([]);
  });
});

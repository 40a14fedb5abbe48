import { afterEach, describe, expect, it } from 'vitest';
import { isMcpAuthError, type McpAuthError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { AutoConsentProvider } from '../support/oauth/auto-consent-provider.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type {
  OAuthTestServerHandle,
  OAuthTestServerOptions,
} from '../support/oauth/oauth-test-server.interface.js';

const SECRET = 'svc-secret-0123456789';

function without(field: string): (document: Record<string, unknown>) => Record<string, unknown> {
  return (document) => Object.fromEntries(Object.entries(document).filter(([k]) => k !== field));
}

describe('OAuth discovery checks the SDK does not make', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(
    serverOptions: OAuthTestServerOptions,
  ): Promise<{ server: OAuthTestServerHandle; app: ClientTestApp; provider: AutoConsentProvider }> {
    const server = await startOAuthTestServer(serverOptions);
    cleanups.push(() => server.close());
    const provider = new AutoConsentProvider();
    const app = await startClientApp({ servers: { notes: { url: server.url, auth: provider } } });
    cleanups.push(() => app.close());
    return { server, app, provider };
  }

  async function refusal(app: ClientTestApp): Promise<McpAuthError> {
    const error = await app.client.callToolWithRetry('notes', 'echo', { text: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isMcpAuthError(error)).toBe(true);
    return error as McpAuthError;
  }

  /** Nothing went to the authorization server but its metadata requests; no user was sent. */
  function expectNothingSent(server: OAuthTestServerHandle, provider: AutoConsentProvider): void {
    expect(server.registrations).toBe(0);
    expect(provider.authorizationUrls).toEqual([]);
    expect(server.tokenRequests).toEqual([]);
  }

  it.each([
    ['no code_challenge_methods_supported', without('code_challenge_methods_supported')],
    [
      'plain PKCE only',
      (document: Record<string, unknown>) => ({
        ...document,
        code_challenge_methods_supported: ['plain'],
      }),
    ],
  ])('refuses an authorization server with %s, before registering', async (_name, rewrite) => {
    const { server, app, provider } = await setUp({ authorizationServerMetadata: rewrite });
    const error = await refusal(app);
    expect(error).toMatchObject({ status: 401, server: server.url, clientId: 'notes' });
    expect(error.reason).toBe(
      `OAuth flow failed: the authorization server ${server.issuer} does not advertise PKCE ` +
        'S256 (code_challenge_methods_supported): refused',
    );
    expectNothingSent(server, provider);
  });

  it('refuses when no authorization server metadata can be found (no guessed endpoints)', async () => {
    const { server, app, provider } = await setUp({ authorizationServerMetadata: () => undefined });
    const error = await refusal(app);
    expect(error.reason).toBe(
      `OAuth flow failed: no authorization server metadata found for ${server.issuer}: ` +
        'PKCE support cannot be verified, refused',
    );
    expectNothingSent(server, provider);
  });

  it('refuses authorization server metadata that names another issuer (2026-07-28)', async () => {
    const { server, app, provider } = await setUp({
      authorizationServerMetadata: (document) => ({
        ...document,
        issuer: 'https://honest.example',
      }),
    });
    const error = await refusal(app);
    expect(error.reason).toBe(
      `OAuth flow failed: the authorization server metadata fetched for ${server.issuer} names ` +
        'issuer https://honest.example: not used (RFC 8414 3.3)',
    );
    expectNothingSent(server, provider);
  });

  it('refuses protected resource metadata for a broader resource than the server', async () => {
    // Fetched from the resource_metadata URL of the 401: it must name the URL that was called.
    const { server, app, provider } = await setUp({
      protectedResourceMetadata: (document) => ({ ...document, resource: `${server.issuer}/` }),
    });
    const error = await refusal(app);
    expect(error.reason).toBe(
      `OAuth flow failed: the protected resource metadata names resource ${server.issuer}/, ` +
        'not this server: not used (RFC 9728 3.3)',
    );
    expectNothingSent(server, provider);
  });

  it('sends resource (the server URL) in the authorization and token requests without protected resource metadata', async () => {
    const { server, app, provider } = await setUp({ legacyDiscovery: true });
    const result = await app.client.callToolWithRetry('notes', 'echo', { text: 'hi' });
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(provider.authorizationUrls.map((url) => url.searchParams.get('resource'))).toEqual([
      server.url,
    ]);
    expect(server.tokenRequests).toEqual([
      expect.objectContaining({ grantType: 'authorization_code', resource: server.url }),
    ]);
  });

  it('does not ask client credentials for PKCE, and sends resource without protected resource metadata', async () => {
    const server = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
      legacyDiscovery: true,
      authorizationServerMetadata: without('code_challenge_methods_supported'),
    });
    cleanups.push(() => server.close());
    const app = await startClientApp({
      servers: {
        github: {
          url: server.url,
          auth: {
            type: 'client_credentials',
            clientId: 'svc',
            clientSecret: SECRET,
            issuer: server.issuer,
          },
        },
      },
    });
    cleanups.push(() => app.close());
    const result = await app.client.callToolWithRetry('github', 'whoami');
    expect(result.content).toEqual([
      { type: 'text', text: JSON.stringify({ clientId: 'svc', scopes: ['mcp:read'] }) },
    ]);
    expect(server.tokenRequests).toEqual([
      expect.objectContaining({ grantType: 'client_credentials', resource: server.url }),
    ]);
  });
});

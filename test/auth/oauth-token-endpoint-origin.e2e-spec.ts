// Client credentials with an issuer whose own metadata names a token endpoint on another origin
// (AWS Cognito, Google): that origin is reached, and only when the metadata is the issuer's.
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpAuthError, type McpAuthError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type {
  OAuthTestServerHandle,
  OAuthTestServerOptions,
} from '../support/oauth/oauth-test-server.interface.js';

const SECRET = 'svc-secret-0123456789';

describe('client credentials with the token endpoint on another origin than the issuer', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /**
   * The OAuth test server, whose authorization server metadata (rewritten by `metadata`) names as
   * token endpoint its own /token reached through a proxy on another port, and an app calling it
   * with client credentials bound to the server's issuer.
   */
  async function setUp(
    metadata: (document: Record<string, unknown>, tokenEndpoint: string) => Record<string, unknown>,
    serverOptions: OAuthTestServerOptions = {},
  ): Promise<{ server: OAuthTestServerHandle; proxy: FaultProxy; app: ClientTestApp }> {
    let tokenEndpoint = '';
    const server = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
      authorizationServerMetadata: (document) => metadata(document, tokenEndpoint),
      ...serverOptions,
    });
    cleanups.push(() => server.close());
    const proxy = await startFaultProxy(`${server.issuer}/token`);
    cleanups.push(() => proxy.close());
    tokenEndpoint = proxy.url;
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
    return { server, proxy, app };
  }

  it("sends the token request to the token endpoint the issuer's own metadata names", async () => {
    const { server, proxy, app } = await setUp((document, tokenEndpoint) => ({
      ...document,
      token_endpoint: tokenEndpoint,
    }));

    const result = await app.client.callToolWithRetry('github', 'whoami');
    expect(result.content).toEqual([
      { type: 'text', text: JSON.stringify({ clientId: 'svc', scopes: ['mcp:read'] }) },
    ]);
    expect(proxy.requests.map((r) => `${r.httpMethod} ${r.path}`)).toEqual(['POST /token']);
    expect(server.tokenRequests).toEqual([
      expect.objectContaining({ grantType: 'client_credentials', status: 200 }),
    ]);
  });

  it('refuses the token endpoint of metadata on the issuer origin that names another issuer', async () => {
    // A 2025-03-26 server: its origin, the configured issuer's, is taken as the authorization
    // server without checking the metadata's issuer (RFC 8414 3.3 applies to named ones).
    const { proxy, app } = await setUp(
      (document, tokenEndpoint) => ({
        ...document,
        issuer: 'https://other.example.com',
        token_endpoint: tokenEndpoint,
      }),
      { legacyDiscovery: true },
    );

    const error = (await app.client
      .callToolWithRetry('github', 'whoami')
      .catch((e: unknown) => e)) as McpAuthError;
    expect(isMcpAuthError(error)).toBe(true);
    expect(error.reason).toBe(
      `refused to fetch ${new URL(proxy.url).origin}: not the origin of the MCP server, the ` +
        "issuer or the token endpoint the issuer's metadata names",
    );
    expect(proxy.requests).toEqual([]);
  });
});

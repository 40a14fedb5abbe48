// Client credentials belong to one authorization server (MCP 2026-07-28, client registration:
// authorization server binding): `issuer` is required, and the secret never goes elsewhere.
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClientCredentialsAuthOptions,
  type FastMcpConfigError,
  isFastMcpConfigError,
  isMcpAuthError,
} from '@app/fastmcp';
import { startClientApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

const SECRET = 'svc-secret-0123456789';

describe('client credentials bound to their authorization server', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function oauthServer(): Promise<OAuthTestServerHandle> {
    const server = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
    });
    cleanups.push(() => server.close());
    return server;
  }

  async function startError(auth: Partial<ClientCredentialsAuthOptions>): Promise<unknown> {
    const server = await oauthServer();
    const config = { type: 'client_credentials', clientId: 'svc', clientSecret: SECRET, ...auth };
    const app = await startClientApp({
      servers: { github: { url: server.url, auth: config as ClientCredentialsAuthOptions } },
    }).catch((error: unknown) => error);
    if (!isFastMcpConfigError(app))
      cleanups.push(() => (app as { close(): Promise<void> }).close());
    return app;
  }

  it('refuses to start without an issuer, naming the field and not the secret', async () => {
    const error = await startError({});
    expect(isFastMcpConfigError(error)).toBe(true);
    expect((error as FastMcpConfigError).issues).toEqual([
      {
        field: 'servers.github.auth.issuer',
        message:
          'is required: the issuer URL of the authorization server the credentials belong to (they are sent nowhere else)',
      },
    ]);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('refuses an http issuer that is not on a loopback host', async () => {
    const error = await startError({ issuer: 'http://auth.example.com' });
    expect(isFastMcpConfigError(error)).toBe(true);
    expect((error as FastMcpConfigError).issues).toEqual([
      {
        field: 'servers.github.auth.issuer',
        message: 'must use https (http only on a loopback host: 127.0.0.1, ::1, localhost)',
      },
    ]);
  });

  it('never sends the secret to an authorization server the MCP server names instead', async () => {
    // The MCP server's metadata names its own authorization server; the credentials belong to
    // another one.
    const named = await oauthServer();
    const own = await oauthServer();
    const auth = {
      type: 'client_credentials' as const,
      clientId: 'svc',
      clientSecret: SECRET,
      issuer: own.issuer,
    };
    const app = await startClientApp({ dlq: false, servers: { github: { url: named.url, auth } } });
    cleanups.push(() => app.close());
    const error = await app.client.callToolWithRetry('github', 'whoami').catch((e: unknown) => e);
    expect(isMcpAuthError(error)).toBe(true);
    expect((error as Error).message).not.toContain(SECRET);
    expect(named.tokenRequests).toEqual([]);
    expect(own.tokenRequests).toEqual([]);
  });
});

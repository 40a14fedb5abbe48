// One OAuthClientProvider object holds one client registration, one PKCE verifier and one
// token set: two client ids on it would run two flows over the same state (two registrations,
// one overwriting the other's verifier). The module refuses it, at start-up for the servers it
// is configured with, and at connect for a server given then.
import { afterEach, describe, expect, it } from 'vitest';
import { type FastMcpConfigError, isFastMcpConfigError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { AutoConsentProvider } from '../support/oauth/auto-consent-provider.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

describe('one provider object for two client ids', () => {
  let server: OAuthTestServerHandle;
  let app: ClientTestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server?.close();
  });

  it('fails start-up with FastMcpConfigError naming both fields', async () => {
    server = await startOAuthTestServer();
    const auth = new AutoConsentProvider();
    const error = (await startClientApp({
      servers: { a: { url: server.url, auth }, b: { url: server.url, auth } },
    }).catch((e: unknown) => e)) as FastMcpConfigError;
    expect(isFastMcpConfigError(error)).toBe(true);
    expect(error.issues).toEqual([
      {
        field: 'servers.b.auth',
        comparedWith: 'servers.a.auth',
        message:
          'is the OAuthClientProvider of servers.a.auth: a provider holds one client registration and one token set, so each client id needs its own',
      },
    ]);
    expect(server.registrations).toBe(0);
  });

  it('refuses a server given at connect with the provider of another client id', async () => {
    server = await startOAuthTestServer();
    const auth = new AutoConsentProvider();
    app = await startClientApp({ servers: { a: { url: server.url, auth } } });
    await app.client.callToolWithRetry('a', 'echo', { text: 'a' });

    const error = (await app.client
      .connectWithRetry('b', { url: server.url, auth })
      .catch((e: unknown) => e)) as FastMcpConfigError;
    expect(isFastMcpConfigError(error)).toBe(true);
    expect(error.issues).toMatchObject([
      { field: 'servers.b.auth', comparedWith: 'servers.a.auth' },
    ]);
    expect(server.registrations).toBe(1);
  });

  it('lets a provider move to another client id once the first is disconnected', async () => {
    server = await startOAuthTestServer();
    const auth = new AutoConsentProvider();
    app = await startClientApp({});
    await app.client.connectWithRetry('x', { url: server.url, auth });
    const refused = await app.client
      .connectWithRetry('y', { url: server.url, auth })
      .catch((e: unknown) => e);
    expect(isFastMcpConfigError(refused)).toBe(true);

    await app.client.disconnect('x');
    await app.client.connectWithRetry('y', { url: server.url, auth });
    const result = await app.client.callToolWithRetry('y', 'echo', { text: 'y' });
    expect(result.content).toEqual([{ type: 'text', text: 'y' }]);
    expect(server.registrations).toBe(1);
  });
});

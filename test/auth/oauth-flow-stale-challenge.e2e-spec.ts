// A 401 to a request sent before any token existed, answered once a flow got one, is stale:
// the re-sent request carries the new token, no second flow runs.
import { afterEach, describe, expect, it } from 'vitest';
import { createClientCredentialsProvider } from '../../libs/fastmcp/src/auth/client-credentials-provider.js';
import { OAuthServerAuth } from '../../libs/fastmcp/src/auth/oauth-server-auth.js';
import { FlowUserProvider } from '../support/oauth/flow-user-provider.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

const SECRET = 'svc-secret-0123456789';

describe('a late 401 to a request sent without a token', () => {
  let server: OAuthTestServerHandle;
  afterEach(() => server?.close());

  it('runs no second client-credentials flow once a token exists', async () => {
    server = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
    });
    const auth = new OAuthServerAuth({
      provider: createClientCredentialsProvider({
        type: 'client_credentials',
        clientId: 'svc',
        clientSecret: SECRET,
        issuer: server.issuer,
      }),
      serverUrl: server.url,
      clientId: 'github',
    });
    // Two requests went out before any token; the second 401 comes after the first flow ended.
    await auth.onChallenge({ status: 401, authorization: undefined });
    const token = await auth.authorization();
    await auth.onChallenge({ status: 401, authorization: undefined });
    expect(await auth.authorization()).toBe(token);
    expect(server.tokenRequests).toHaveLength(1);
  });

  it('sends no user to authorize a second time', async () => {
    server = await startOAuthTestServer();
    const provider = new FlowUserProvider();
    const auth = new OAuthServerAuth({ provider, serverUrl: server.url, clientId: 'notes' });
    await auth.onChallenge({ status: 401 });
    await auth.onChallenge({ status: 401 });
    expect(provider.authorizationUrls).toHaveLength(1);
    expect(server.tokenRequests).toHaveLength(1);
  });
});

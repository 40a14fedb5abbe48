// The `resource` parameter (RFC 8707) goes to the authorization server and, in an authorization
// URL, through a browser: a server URL's credentials (user:password@, ?api_key=) stay out of it.
import { afterEach, expect, it } from 'vitest';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

const SECRET = 'svc-secret-0123456789';
const API_KEY = 'qk-API-0123456789';

let server: OAuthTestServerHandle | undefined;
let app: ClientTestApp | undefined;
afterEach(async () => {
  await app?.close();
  await server?.close();
  app = server = undefined;
});

it('sends the server URL without its credentials as the resource of every token request', async () => {
  server = await startOAuthTestServer({
    clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
  });
  const url = new URL(server.url);
  url.username = 'svc-user';
  url.password = 'pa55-word-123';
  url.search = `?api_key=${API_KEY}`;
  app = await startClientApp({
    dlq: false,
    servers: {
      notes: {
        url: url.href,
        auth: {
          type: 'client_credentials',
          clientId: 'svc',
          clientSecret: SECRET,
          issuer: server.issuer,
        },
      },
    },
  });

  const result = await app.client.callToolWithRetry('notes', 'echo', { text: 'hi' });

  expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
  expect(server.tokenRequests.length).toBeGreaterThan(0);
  for (const request of server.tokenRequests) {
    expect(request.resource).toBe(server.url);
  }
});

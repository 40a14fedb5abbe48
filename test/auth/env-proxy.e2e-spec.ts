// A network that only a proxy leaves: with HTTP_PROXY set, the OAuth flow (discovery, token
// request) must go through the proxy as the MCP calls do, or it never reaches the server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';

const SECRET = 'svc-secret-0123456789';
const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'ALL_PROXY',
  'all_proxy',
  'NO_PROXY',
  'no_proxy',
] as const;

describe('HTTP_PROXY from the environment', () => {
  let server: OAuthTestServerHandle;
  let proxy: RecordingProxy;
  let app: ClientTestApp | undefined;
  const saved: Partial<Record<(typeof PROXY_VARIABLES)[number], string>> = {};

  beforeEach(async () => {
    for (const name of PROXY_VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    server = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
    });
    proxy = await startRecordingProxy();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const name of PROXY_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await Promise.all([proxy.close(), server.close()]);
  });

  const connectAndCall = async (): Promise<void> => {
    app = await startClientApp({
      dlq: false,
      servers: {
        notes: {
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
    const result = await app.client.callToolWithRetry('notes', 'echo', { text: 'via proxy' });
    expect(result.content).toEqual([{ type: 'text', text: 'via proxy' }]);
  };

  it.each(['HTTP_PROXY', 'ALL_PROXY'] as const)(
    '%s carries the OAuth flow as well as the MCP calls',
    async (variable) => {
      process.env[variable] = proxy.url;
      await connectAndCall();
      const origin = new URL(server.url).origin;
      expect(proxy.requests).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(`^GET ${origin}/\\.well-known/oauth-protected-resource`),
          ),
          expect.stringMatching(
            new RegExp(`^GET ${server.issuer}/\\.well-known/oauth-authorization-server`),
          ),
          `POST ${server.issuer}/token`,
          `POST ${server.url}`,
        ]),
      );
      expect(server.tokenRequests.map((r) => r.grantType)).toEqual(['client_credentials']);
    },
  );

  it('leaves the hosts NO_PROXY names alone, for the OAuth flow too', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = '127.0.0.1';
    await connectAndCall();
    expect(proxy.requests).toEqual([]);
  });
});

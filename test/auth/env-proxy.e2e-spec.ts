// A network that only a proxy leaves: with HTTP_PROXY set, the OAuth flow (discovery, token
// request) must go through the proxy as the MCP calls do, or it never reaches the server. With
// HTTPS_PROXY and an https: server, both go through CONNECT tunnels: no token crosses in clear.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';
import { createSelfSignedCert, type SelfSignedCert } from '../support/self-signed-cert.js';

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

  const connectAndCall = async (server: OAuthTestServerHandle): Promise<void> => {
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
      await connectAndCall(server);
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
    await connectAndCall(server);
    expect(proxy.requests).toEqual([]);
  });
});

describe('HTTPS_PROXY and an https: server', () => {
  let cert: SelfSignedCert;
  let server: OAuthTestServerHandle;
  let proxy: RecordingProxy;
  let app: ClientTestApp | undefined;
  const saved: Partial<Record<string, string>> = {};
  // The test's certificate is self-signed; what is checked here is the route, not the chain.
  const variables = [...PROXY_VARIABLES, 'NODE_TLS_REJECT_UNAUTHORIZED'];

  beforeAll(async () => {
    cert = await createSelfSignedCert();
  });
  beforeEach(async () => {
    for (const name of variables) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    server = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
      tls: cert,
    });
    proxy = await startRecordingProxy();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await Promise.all([proxy.close(), server.close()]);
  });

  const callOverTls = async (): Promise<void> => {
    expect(server.url).toMatch(/^https:/);
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
    for (const text of ['one', 'two']) {
      const result = await app.client.callToolWithRetry('notes', 'echo', { text });
      expect(result.content).toEqual([{ type: 'text', text }]);
    }
    expect(server.tokenRequests.map((r) => r.grantType)).toEqual(['client_credentials']);
    expect(server.mcpRequests.length).toBeGreaterThanOrEqual(3);
  };

  it('reaches the server and its issuer directly over TLS', async () => {
    await callOverTls();
    expect(proxy.requests).toEqual([]);
    expect(server.clientPorts.length).toBeGreaterThanOrEqual(2);
  });

  it('tunnels the OAuth flow and the calls through the proxy, which sees no token', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    await callOverTls();
    const authority = new URL(server.url).host;
    expect(new Set(proxy.requests)).toEqual(new Set([`CONNECT ${authority}`]));
    // Every connection the server accepted came out of a tunnel: the token requests' (undici)
    // as well as the calls' (axios), which keep theirs apart.
    expect(server.clientPorts.length).toBeGreaterThanOrEqual(2);
    expect(proxy.tunnelPorts).toEqual(expect.arrayContaining(server.clientPorts));
    const seen = proxy.received();
    expect(seen).toContain(`CONNECT ${authority}`);
    expect(server.issuedTokens.length).toBeGreaterThan(0);
    for (const secret of [...server.issuedTokens, SECRET]) expect(seen).not.toContain(secret);
  });
});

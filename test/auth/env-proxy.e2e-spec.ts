// A network that only a proxy leaves: with HTTP_PROXY set, the OAuth flow (discovery, token
// request) must go through the proxy as the MCP calls do, or it never reaches the server. With
// HTTPS_PROXY and an https: server, both go through CONNECT tunnels: no token crosses in clear.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type {
  OAuthTestServerHandle,
  OAuthTestServerOptions,
} from '../support/oauth/oauth-test-server.interface.js';
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

let server: OAuthTestServerHandle;
let proxy: RecordingProxy;
let app: ClientTestApp | undefined;

/** No proxy variable from the machine; each test names its own (restored after it). */
async function startServerAndProxy(tls?: OAuthTestServerOptions['tls']): Promise<void> {
  for (const name of PROXY_VARIABLES) vi.stubEnv(name, undefined);
  server = await startOAuthTestServer({
    clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
    tls,
  });
  proxy = await startRecordingProxy();
}

afterEach(async () => {
  await app?.close();
  app = undefined;
  vi.unstubAllEnvs();
  await Promise.all([proxy.close(), server.close()]);
});

/** Calls `echo` once per text through a client-credentials client of `target`. */
async function callEcho(target: OAuthTestServerHandle, texts: string[]): Promise<void> {
  app = await startClientApp({
    dlq: false,
    servers: {
      notes: {
        url: target.url,
        auth: {
          type: 'client_credentials',
          clientId: 'svc',
          clientSecret: SECRET,
          issuer: target.issuer,
        },
      },
    },
  });
  for (const text of texts) {
    const result = await app.client.callToolWithRetry('notes', 'echo', { text });
    expect(result.content).toEqual([{ type: 'text', text }]);
  }
}

describe('HTTP_PROXY from the environment', () => {
  beforeEach(() => startServerAndProxy());

  it.each(['HTTP_PROXY', 'ALL_PROXY'] as const)(
    '%s carries the OAuth flow as well as the MCP calls',
    async (variable) => {
      vi.stubEnv(variable, proxy.url);
      await callEcho(server, ['via proxy']);
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
    vi.stubEnv('HTTP_PROXY', proxy.url);
    vi.stubEnv('NO_PROXY', '127.0.0.1');
    await callEcho(server, ['via proxy']);
    expect(proxy.requests).toEqual([]);
  });
});

describe('HTTPS_PROXY and an https: server', () => {
  let cert: SelfSignedCert;

  beforeAll(async () => {
    cert = await createSelfSignedCert();
  });
  beforeEach(async () => {
    await startServerAndProxy(cert);
    // The test's certificate is self-signed; what is checked here is the route, not the chain.
    vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0');
    expect(server.url).toMatch(/^https:/);
  });

  const callTwiceOverTls = async (): Promise<void> => {
    await callEcho(server, ['one', 'two']);
    expect(server.tokenRequests.map((r) => r.grantType)).toEqual(['client_credentials']);
    expect(server.mcpRequests.length).toBeGreaterThanOrEqual(3);
  };

  it('reaches the server and its issuer directly over TLS', async () => {
    await callTwiceOverTls();
    expect(proxy.requests).toEqual([]);
    expect(server.clientPorts.length).toBeGreaterThanOrEqual(2);
  });

  it('tunnels the OAuth flow and the calls through the proxy, which sees no token', async () => {
    vi.stubEnv('HTTPS_PROXY', proxy.url);
    await callTwiceOverTls();
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

import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  ClientCredentialsProvider,
  PrivateKeyJwtProvider,
} from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AutoConsentProvider } from './oauth/auto-consent-provider.js';
import { startOAuthTestServer } from './oauth/oauth-test-server.js';
import type {
  OAuthTestServerHandle,
  OAuthTestServerOptions,
} from './oauth/oauth-test-server.interface.js';
import { generateSigningKey } from './oauth/test-keys.js';

const key = generateSigningKey('ec');
const CLIENTS: OAuthTestServerOptions['clients'] = [
  { clientId: 'svc', secret: 'svc-secret', scopes: ['mcp:read', 'mcp:admin'] },
  { clientId: 'jwt', publicKey: key.publicKey, scopes: ['mcp:read'] },
];

/** The official SDK client, authorizing with `provider`. */
async function sdkClient(url: string, provider: OAuthClientProvider): Promise<Client> {
  const client = new Client({ name: 'oauth-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return client;
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  const [first] = result.content as Array<{ text?: string }>;
  return first?.text ?? '';
}

describe('OAuth test server (checked with the official SDK client)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  const start = async (options: OAuthTestServerOptions = {}): Promise<OAuthTestServerHandle> => {
    const server = await startOAuthTestServer({ clients: CLIENTS, ...options });
    cleanups.push(() => server.close());
    return server;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('answers 401 with resource_metadata, and serves the metadata it points to', async () => {
    const server = await start();
    const response = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer error="invalid_token"/);
    const prmUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1] ?? '';
    expect(prmUrl).toBe(`${server.issuer}/.well-known/oauth-protected-resource/mcp`);
    const prm = (await (await fetch(prmUrl)).json()) as Record<string, unknown>;
    expect(prm).toMatchObject({ resource: server.url, authorization_servers: [server.issuer] });
  });

  it('lets the SDK client in with client credentials (client_secret_basic), once per token', async () => {
    const server = await start();
    const provider = new ClientCredentialsProvider({
      clientId: 'svc',
      clientSecret: 'svc-secret',
      expectedIssuer: server.issuer,
    });
    const client = await sdkClient(server.url, provider);
    cleanups.push(() => client.close());
    const who = JSON.parse(textOf(await client.callTool({ name: 'whoami' }))) as unknown;
    expect(who).toEqual({ clientId: 'svc', scopes: ['mcp:read'] });
    expect(server.tokenRequests).toEqual([
      {
        grantType: 'client_credentials',
        clientId: 'svc',
        authMethod: 'client_secret_basic',
        resource: server.url,
        status: 200,
        scope: undefined,
      },
    ]);
    expect(server.mcpRequests[0]?.status).toBe(401);
  });

  it('refuses a wrong secret, takes a private_key_jwt assertion once, and refuses tools beyond the scope', async () => {
    const server = await start();
    const wrong = new ClientCredentialsProvider({
      clientId: 'svc',
      clientSecret: 'nope',
      expectedIssuer: server.issuer,
    });
    await expect(auth(wrong, { serverUrl: server.url })).rejects.toMatchObject({
      errorCode: 'invalid_client',
    });
    const jwt = new PrivateKeyJwtProvider({
      clientId: 'jwt',
      privateKey: key.privateKey,
      algorithm: 'ES256',
      expectedIssuer: server.issuer,
    });
    let tokenBody = '';
    const recording: FetchLike = (url, init) => {
      if (init?.body instanceof URLSearchParams) tokenBody = init.body.toString();
      return fetch(url, init);
    };
    await expect(auth(jwt, { serverUrl: server.url, fetchFn: recording })).resolves.toBe(
      'AUTHORIZED',
    );
    expect(server.tokenRequests.at(-1)).toMatchObject({
      authMethod: 'private_key_jwt',
      status: 200,
    });
    expect(tokenBody).toContain('client_assertion=');
    const replayed = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenBody,
    });
    expect(replayed.status).toBe(401);
    const token = jwt.tokens()?.access_token ?? '';
    const forbidden = await fetch(server.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'admin_action' },
      }),
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain(
      'error="insufficient_scope", scope="mcp:admin"',
    );
  });

  it('runs the authorization-code flow with PKCE and dynamic registration, then refreshes', async () => {
    const server = await start({ expiresInSeconds: 60 });
    const provider = new AutoConsentProvider();
    await expect(auth(provider, { serverUrl: server.url })).resolves.toBe('REDIRECT');
    const authorizationCode = await provider.authorizationCode();
    await expect(auth(provider, { serverUrl: server.url, authorizationCode })).resolves.toBe(
      'AUTHORIZED',
    );
    expect(server.registrations).toBe(1);
    const first = provider.tokens();
    expect(first?.refresh_token).toMatch(/^rt_/);
    await expect(auth(provider, { serverUrl: server.url })).resolves.toBe('AUTHORIZED');
    expect(provider.tokens()?.access_token).not.toBe(first?.access_token);
    expect(server.tokenRequests.map((r) => `${r.grantType} ${r.status}`)).toEqual([
      'authorization_code 200',
      'refresh_token 200',
    ]);
  });
});

import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClientCredentialsAuthOptions,
  type FastMcpModuleOptions,
  isMcpAuthError,
  type McpAuthError,
} from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type {
  OAuthTestServerHandle,
  OAuthTestServerOptions,
} from '../support/oauth/oauth-test-server.interface.js';
import { generateSigningKey } from '../support/oauth/test-keys.js';

const SECRET = 'svc-secret-0123456789';
const rsa = generateSigningKey('rsa');
const ec = generateSigningKey('ec');

describe('client credentials (real authorization server, official SDK MCP server)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(
    auth: (server: OAuthTestServerHandle) => Partial<ClientCredentialsAuthOptions>,
    serverOptions: OAuthTestServerOptions = {},
    moduleOptions: FastMcpModuleOptions = {},
  ): Promise<{ server: OAuthTestServerHandle; app: ClientTestApp }> {
    const server = await startOAuthTestServer({
      clients: [
        { clientId: 'svc', secret: SECRET, scopes: ['mcp:read', 'mcp:admin'] },
        { clientId: 'rsa', publicKey: rsa.publicKey, scopes: ['mcp:read'] },
        { clientId: 'ec', publicKey: ec.publicKey, scopes: ['mcp:read'] },
      ],
      ...serverOptions,
    });
    cleanups.push(() => server.close());
    const config = {
      type: 'client_credentials',
      clientId: 'svc',
      clientSecret: SECRET,
      issuer: server.issuer,
      ...auth(server),
    } as ClientCredentialsAuthOptions;
    const app = await startClientApp({
      ...moduleOptions,
      servers: { github: { url: server.url, auth: config } },
    });
    cleanups.push(() => app.close());
    return { server, app };
  }

  async function whoami(app: ClientTestApp): Promise<unknown> {
    const result = await app.client.callToolWithRetry('github', 'whoami');
    const [first] = result.content as Array<{ text: string }>;
    return JSON.parse(first.text) as unknown;
  }

  it('gets a token on the first 401 (client_secret_basic) and reuses it for later calls', async () => {
    const { server, app } = await setUp(() => ({}));
    expect(await whoami(app)).toEqual({ clientId: 'svc', scopes: ['mcp:read'] });
    expect(await whoami(app)).toEqual({ clientId: 'svc', scopes: ['mcp:read'] });
    expect(server.tokenRequests).toEqual([
      expect.objectContaining({
        grantType: 'client_credentials',
        clientId: 'svc',
        authMethod: 'client_secret_basic',
        resource: server.url,
        status: 200,
      }),
    ]);
    // One 401 (the server/discover probe, sent before any token), then every request authorized:
    // the probe again (400: a 2025-era server), initialize, initialized and the two calls.
    expect(server.mcpRequests.map((r) => r.status)).toEqual([401, 400, 200, 202, 200, 200]);
  });

  it('sends the secret in the body when the server only takes client_secret_post', async () => {
    const { server, app } = await setUp(() => ({ scope: 'mcp:read mcp:admin' }), {
      authMethods: ['client_secret_post'],
    });
    expect(await whoami(app)).toEqual({ clientId: 'svc', scopes: ['mcp:read', 'mcp:admin'] });
    expect(server.tokenRequests).toEqual([
      expect.objectContaining({ authMethod: 'client_secret_post', scope: 'mcp:read mcp:admin' }),
    ]);
  });

  it.each([
    { clientId: 'rsa', key: rsa.privateKey, alg: 'RS256' },
    { clientId: 'rsa', key: rsa.privateKey, alg: 'PS384' },
    { clientId: 'ec', key: ec.privateKey, alg: 'ES256' },
  ])('signs a private_key_jwt assertion with $alg', async ({ clientId, key, alg }) => {
    const { server, app } = await setUp(() => ({
      clientId,
      clientSecret: undefined,
      privateKeyJwt: { key, alg },
    }));
    expect(await whoami(app)).toEqual({ clientId, scopes: ['mcp:read'] });
    expect(server.tokenRequests).toEqual([
      expect.objectContaining({ clientId, authMethod: 'private_key_jwt', status: 200 }),
    ]);
  });

  it('fails with McpAuthError (status, server, invalid_client) and no secret when the secret is wrong', async () => {
    const wrong = 'wrong-secret-9876543210';
    const { server, app } = await setUp(() => ({ clientSecret: wrong }), {
      echoCredentialsInErrors: true,
    });
    const error = (await app.client
      .callToolWithRetry('github', 'whoami')
      .catch((e: unknown) => e)) as McpAuthError;
    expect(isMcpAuthError(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, server: server.url, clientId: 'github' });
    expect(error.reason).toMatch(
      /^authorization server error invalid_client \(client authentication failed \(got "\[REDACTED\]"\)\)$/,
    );
    // The server quoted the secret back; nothing reachable from the error carries it.
    expect(server.tokenRequests.every((r) => r.status === 401)).toBe(true);
    for (const text of [
      error.message,
      error.stack,
      JSON.stringify(error),
      inspect(error, { depth: 5 }),
    ]) {
      expect(text).not.toContain(wrong);
    }
  });

  it('keeps a private_key_jwt assertion the server quotes back out of the error', async () => {
    // Signed with a key the server does not know: it answers quoting the signature alone, which
    // no credential shape matches; the assertion the flow sent is a known secret.
    const stranger = generateSigningKey('ec');
    const { server, app } = await setUp(
      () => ({
        clientId: 'ec',
        clientSecret: undefined,
        privateKeyJwt: { key: stranger.privateKey, alg: 'ES256' },
      }),
      { echoCredentialsInErrors: true },
    );
    const error = (await app.client
      .callToolWithRetry('github', 'whoami')
      .catch((e: unknown) => e)) as McpAuthError;
    expect(isMcpAuthError(error)).toBe(true);
    expect(server.tokenRequests.map((r) => r.status)).toContain(401);
    expect(error.reason).toBe(
      'authorization server error invalid_client (client authentication failed (got "[REDACTED]"))',
    );
  });

  it('never sends the credentials to an authorization server other than the configured issuer', async () => {
    const { server, app } = await setUp(() => ({ issuer: 'https://auth.example.com' }));
    const error = await app.client.callToolWithRetry('github', 'whoami').catch((e: unknown) => e);
    expect(isMcpAuthError(error)).toBe(true);
    expect((error as McpAuthError).reason).toContain('is not presented to');
    expect(server.tokenRequests).toEqual([]);
  });
});

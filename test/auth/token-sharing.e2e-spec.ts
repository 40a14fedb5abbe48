import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

const SECRET = 'svc-secret-0123456789';
const CALLERS = 8;

describe('one token per client id: shared, single-flight, refreshed before expiry', () => {
  let server: OAuthTestServerHandle | undefined;
  let app: ClientTestApp | undefined;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  async function setUp(
    expiresInSeconds: number,
  ): Promise<{ server: OAuthTestServerHandle; app: ClientTestApp }> {
    server = await startOAuthTestServer({
      expiresInSeconds,
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
    });
    const auth = {
      type: 'client_credentials' as const,
      clientId: 'svc',
      clientSecret: SECRET,
      issuer: server.issuer,
    };
    app = await startClientApp({ servers: { github: { url: server.url, auth } } });
    return { server, app };
  }

  const echo = (app: ClientTestApp, text: string) =>
    app.client.callToolWithRetry('github', 'echo', { text });
  const unauthorized = (server: OAuthTestServerHandle) =>
    server.mcpRequests.filter((r) => r.status === 401).length;

  it('concurrent first callers share one token request', async () => {
    const { server, app } = await setUp(3600);
    const results = await Promise.all(
      Array.from({ length: CALLERS }, (_, i) => echo(app, `caller ${i}`)),
    );
    expect(results.map((r) => r.content)).toEqual(
      Array.from({ length: CALLERS }, (_, i) => [{ type: 'text', text: `caller ${i}` }]),
    );
    expect(server.tokenRequests).toHaveLength(1);
  });

  it('concurrent callers refused at once (tokens revoked) share one new token request', async () => {
    const { server, app } = await setUp(3600);
    await echo(app, 'warm up');
    server.revokeAccessTokens();
    server.clearRecords();
    const results = await Promise.all(
      Array.from({ length: CALLERS }, (_, i) => echo(app, `again ${i}`)),
    );
    expect(results.every((r) => r.isError !== true)).toBe(true);
    expect(unauthorized(server)).toBe(CALLERS);
    expect(server.tokenRequests).toHaveLength(1);
  });

  it('refreshes a token before sending it past its expiry: no 401 after the first', async () => {
    const { server, app } = await setUp(2);
    await echo(app, 'first');
    expect(server.tokenRequests).toHaveLength(1);
    expect(unauthorized(server)).toBe(1);
    await sleep(2100);
    await echo(app, 'after expiry');
    await echo(app, 'and again');
    // The server would have refused the old token; the client replaced it before sending.
    expect(server.tokenRequests).toHaveLength(2);
    expect(unauthorized(server)).toBe(1);
  });
});

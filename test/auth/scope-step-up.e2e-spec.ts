import { afterEach, describe, expect, it } from 'vitest';
import { isMcpAuthError, isMcpHttpError, type McpAuthError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

const SECRET = 'svc-secret-0123456789';

describe('403 insufficient_scope step-up', () => {
  let server: OAuthTestServerHandle;
  let app: ClientTestApp;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  async function setUp(): Promise<void> {
    // admin_action needs mcp:admin (the client may have it); root_action needs mcp:root (never granted).
    server = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read', 'mcp:admin'] }],
    });
    const auth = {
      type: 'client_credentials' as const,
      clientId: 'svc',
      clientSecret: SECRET,
      scope: 'mcp:read',
      issuer: server.issuer,
    };
    app = await startClientApp({ servers: { github: { url: server.url, auth } } });
  }

  const call = (tool: string) =>
    app.client.callToolWithRetry('github', tool).catch((error: unknown) => error);
  const forbidden = () => server.mcpRequests.filter((r) => r.status === 403).length;

  it('asks for the scope the server names, keeps the ones it had, and the call succeeds', async () => {
    await setUp();
    await app.client.callToolWithRetry('github', 'whoami');
    const result = await app.client.callToolWithRetry('github', 'admin_action');
    expect(result.content).toEqual([{ type: 'text', text: 'admin_action done' }]);
    expect(server.tokenRequests.map((r) => r.scope)).toEqual(['mcp:read', 'mcp:read mcp:admin']);
    expect(forbidden()).toBe(1);
    // The wider token serves every later call without another step-up.
    await app.client.callToolWithRetry('github', 'admin_action');
    await app.client.callToolWithRetry('github', 'whoami');
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('stops stepping up after 2 in a row that did not satisfy the server, with McpAuthError', async () => {
    await setUp();
    await app.client.callToolWithRetry('github', 'whoami');
    server.clearRecords();
    // Each call steps up once, and its re-sent request is refused again.
    for (let i = 0; i < 2; i += 1) {
      const error = await call('root_action');
      expect(isMcpHttpError(error) && error.status).toBe(403);
    }
    expect(server.tokenRequests).toHaveLength(2);
    // Past the limit: no more token requests, a typed error naming the cause.
    for (let i = 0; i < 3; i += 1) {
      const error = (await call('root_action')) as McpAuthError;
      expect(isMcpAuthError(error)).toBe(true);
      expect(error).toMatchObject({ status: 403, server: server.url, clientId: 'github' });
      expect(error.reason).toBe(
        'scope step-up limit: 2 step-ups in a row did not satisfy the server (it asks for "mcp:root")',
      );
    }
    expect(server.tokenRequests).toHaveLength(2);
    expect(forbidden()).toBe(7);
  });

  it('a successful request ends the run: the next 403 may step up again', async () => {
    await setUp();
    for (let i = 0; i < 2; i += 1) await call('root_action');
    expect(isMcpAuthError(await call('root_action'))).toBe(true);
    const before = server.tokenRequests.length;
    await app.client.callToolWithRetry('github', 'whoami');
    const error = await call('root_action');
    expect(isMcpHttpError(error) && error.status).toBe(403);
    expect(server.tokenRequests).toHaveLength(before + 1);
  });
});

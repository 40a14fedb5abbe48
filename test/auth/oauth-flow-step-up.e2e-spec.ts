// A 403 insufficient_scope for a user's (authorization code) provider: the module re-authorizes
// with the scopes it asked before and the challenge's (spec 2025-11-25 / 2026-07-28 Step-Up),
// even when it holds a refresh token (a refresh cannot add scope), keeps what it had when the
// user never completes that authorization, and holds no other call while it waits.
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpAuthError, isMcpHttpError, isMcpTimeoutError, type McpAuthError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { FlowUserProvider } from '../support/oauth/flow-user-provider.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';

/** What the server's protected-resource metadata lists: the first authorization asks these. */
const SUPPORTED = 'mcp:read mcp:admin';

describe('step-up for a user (authorization code) provider', () => {
  let server: OAuthTestServerHandle;
  let app: ClientTestApp;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  /** root_action needs mcp:root: granted to the client unless `grantable` leaves it out. */
  async function setUp(
    provider: FlowUserProvider,
    grantable = ['mcp:read', 'mcp:admin', 'mcp:root'],
  ): Promise<void> {
    server = await startOAuthTestServer({ registeredClientScopes: grantable });
    app = await startClientApp({ servers: { notes: { url: server.url, auth: provider } } });
  }

  const call = (tool: string, timeoutMs?: number) =>
    app.client.callToolWithRetry('notes', tool, {}, { timeoutMs }).catch((e: unknown) => e);
  const scopesAsked = (provider: FlowUserProvider) =>
    provider.authorizationUrls.map((url) => url.searchParams.get('scope'));
  const grants = () => server.tokenRequests.map((r) => `${r.grantType} ${r.status}`);
  const forbidden = () => server.mcpRequests.filter((r) => r.status === 403).length;

  it('re-authorizes (no refresh) although it holds a refresh token, and the call succeeds', async () => {
    const provider = new FlowUserProvider();
    await setUp(provider);
    await app.client.callToolWithRetry('notes', 'whoami');

    const result = await app.client.callToolWithRetry('notes', 'root_action');
    expect(result.content).toEqual([{ type: 'text', text: 'root_action done' }]);
    expect(scopesAsked(provider)).toEqual([SUPPORTED, `${SUPPORTED} mcp:root`]);
    expect(grants()).toEqual(['authorization_code 200', 'authorization_code 200']);
    // The scopes of the first authorization still serve: no step-up for them.
    await app.client.callToolWithRetry('notes', 'admin_action');
    expect(forbidden()).toBe(1);
  });

  it('asks for the scopes asked before too (no refresh token, no scope in the tokens)', async () => {
    const provider = new FlowUserProvider({ dropRefreshTokens: true, dropTokenScope: true });
    await setUp(provider);
    await app.client.callToolWithRetry('notes', 'admin_action');
    await app.client.callToolWithRetry('notes', 'root_action');

    const admin = await app.client.callToolWithRetry('notes', 'admin_action');
    expect(admin.content).toEqual([{ type: 'text', text: 'admin_action done' }]);
    expect(scopesAsked(provider)).toEqual([SUPPORTED, `${SUPPORTED} mcp:root`]);
    expect(forbidden()).toBe(1);
  });

  it('keeps its tokens, refresh token included, when the user never completes the step-up', async () => {
    const provider = new FlowUserProvider({ consents: 1 });
    await setUp(provider);
    await app.client.callToolWithRetry('notes', 'whoami');
    const held = provider.tokens();
    expect(held?.refresh_token).toBeDefined();

    expect(isMcpTimeoutError(await call('root_action', 800))).toBe(true);
    expect(scopesAsked(provider)).toEqual([SUPPORTED, `${SUPPORTED} mcp:root`]);
    expect(provider.tokens()).toEqual(held);
    const echo = await app.client.callToolWithRetry('notes', 'echo', { text: 'still in' });
    expect(echo.content).toEqual([{ type: 'text', text: 'still in' }]);
    expect(grants()).toEqual(['authorization_code 200']);
  });

  it('bounds step-ups the server keeps refusing: 2 new authorizations, then McpAuthError', async () => {
    const provider = new FlowUserProvider();
    await setUp(provider, ['mcp:read', 'mcp:admin']);
    await app.client.callToolWithRetry('notes', 'whoami');

    for (let i = 0; i < 2; i += 1) {
      const error = await call('root_action');
      expect(isMcpHttpError(error) && error.status).toBe(403);
    }
    const error = (await call('root_action')) as McpAuthError;
    expect(isMcpAuthError(error)).toBe(true);
    expect(error.reason).toBe(
      'scope step-up limit: 2 step-ups in a row did not satisfy the server (it asks for "mcp:root")',
    );
    expect(scopesAsked(provider)).toEqual([
      SUPPORTED,
      `${SUPPORTED} mcp:root`,
      `${SUPPORTED} mcp:root`,
    ]);
    expect(grants()).toEqual(Array(3).fill('authorization_code 200'));
  });

  it('holds only the call that needs the new scope while the user is away', async () => {
    const provider = new FlowUserProvider({ consents: 1, dropRefreshTokens: true });
    await setUp(provider);
    await app.client.callToolWithRetry('notes', 'echo', { text: 'warm' });

    const root = call('root_action', 3000);
    await expect.poll(() => provider.asked).toBe(2);
    const echo = await app.client.callToolWithRetry(
      'notes',
      'echo',
      { text: 'meanwhile' },
      { timeoutMs: 1500 },
    );
    expect(echo.content).toEqual([{ type: 'text', text: 'meanwhile' }]);
    expect(isMcpTimeoutError(await root)).toBe(true);
  });
});

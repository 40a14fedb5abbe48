// A 401 to a GET that resumes a call's SSE stream, or opens the session's own stream, runs the
// OAuth flow once and GETs again with the new token; the call's POST is never sent again.
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpDeliveryUnknownError, isMcpTimeoutError, type McpTimeoutError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerHandle } from '../support/oauth/oauth-test-server.interface.js';
import {
  startResumableServer,
  type ResumableServer,
  type ResumableServerOptions,
} from '../support/oauth/transport-resumable-server.js';
import { until } from '../support/until.js';

const SECRET = 'svc-secret-0123456789';

describe('a 401 to a GET of an OAuth-protected server', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(
    options: ResumableServerOptions,
    server: { listen?: boolean } = {},
    expiresInSeconds?: number,
  ): Promise<{ oauth: OAuthTestServerHandle; mcp: ResumableServer; app: ClientTestApp }> {
    const oauth = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
      expiresInSeconds,
    });
    cleanups.push(() => oauth.close());
    const mcp = await startResumableServer(oauth, options);
    cleanups.push(() => mcp.close());
    const auth = {
      type: 'client_credentials' as const,
      clientId: 'svc',
      clientSecret: SECRET,
      issuer: oauth.issuer,
    };
    const app = await startClientApp({
      dlq: false,
      servers: { s: { url: mcp.url, protocolVersion: '2025-11-25', auth, ...server } },
    });
    cleanups.push(() => app.close());
    return { oauth, mcp, app };
  }

  const bearer = (oauth: OAuthTestServerHandle, index: number) =>
    `Bearer ${oauth.issuedTokens[index]}`;

  it('resumes the stream with a new token after a 401, without re-sending the call', async () => {
    const { oauth, mcp, app } = await setUp({ revokeAfterCall: true });
    const result = await app.client.callToolWithRetry('s', 'transfer_money', { amount: 1 });
    expect(result.content).toEqual([{ type: 'text', text: 'resumed answer' }]);
    // The first POST had no token yet; the second was accepted, and never sent again.
    expect(mcp.callPosts).toEqual(['none', bearer(oauth, 0)]);
    expect(oauth.tokenRequests.map((r) => r.status)).toEqual([200, 200]);
    expect(mcp.gets).toEqual([
      { authorization: bearer(oauth, 0), lastEventId: 'ev-1', status: 401 },
      { authorization: bearer(oauth, 1), lastEventId: 'ev-1', status: 200 },
    ]);
  });

  it('runs one flow only: a second 401 ends the resumption, the call not re-sent', async () => {
    const { oauth, mcp, app } = await setUp({ refuseEveryGet: true });
    const error = await app.client
      .callToolWithRetry('s', 'transfer_money', { amount: 1 })
      .catch((e: unknown) => e);
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect((error as Error).message).toContain('the server would not resume the stream (HTTP 401)');
    expect(mcp.callPosts).toEqual(['none', bearer(oauth, 0)]);
    expect(oauth.tokenRequests).toHaveLength(2);
    expect(mcp.gets.map((get) => get.authorization)).toEqual([bearer(oauth, 0), bearer(oauth, 1)]);
  });

  it('bounds the flow by the call budget: it ends in time, delivery unknown', async () => {
    // The flow after the GET's 401 never gets its metadata.
    const { oauth, mcp, app } = await setUp({ revokeAfterCall: true, laterMetadata: 'hang' });
    const started = Date.now();
    const error = await app.client
      .callToolWithRetry('s', 'transfer_money', { amount: 1 }, { timeoutMs: 1_500 })
      .catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(isMcpTimeoutError(error)).toBe(true);
    expect((error as McpTimeoutError).scope).toBe('budget');
    // The call was accepted: a dead letter must not say it was not delivered.
    expect((error as McpTimeoutError).delivery).toBe('unknown');
    expect(elapsed).toBeLessThan(1_500 + 1_000);
    expect(mcp.metadataRequests).toBe(2);
    expect(mcp.callPosts).toEqual(['none', bearer(oauth, 0)]);
  });

  it('ends the resumption when the flow gets no token, the call not re-sent', async () => {
    // Without its metadata the flow would ask the MCP server's origin: not the issuer.
    const { oauth, mcp, app } = await setUp({ revokeAfterCall: true, laterMetadata: 'missing' });
    const error = await app.client
      .callToolWithRetry('s', 'transfer_money', { amount: 1 })
      .catch((e: unknown) => e);
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /the server would not resume the stream \(HTTP 401\): authorization failed for http:\/\/127\.0\.0\.1:\d+\/mcp/,
    );
    expect((error as Error).message).not.toContain(SECRET);
    expect(mcp.callPosts).toEqual(['none', bearer(oauth, 0)]);
    expect(oauth.tokenRequests).toHaveLength(1);
    expect(mcp.gets).toHaveLength(1);
  });

  it('ends the resumption, delivery unknown, when the expired token cannot be renewed before the GET', async () => {
    // The token lives 1 s; the call's stream ends after 1.2 s, while the token endpoint is down.
    const { oauth, mcp, app } = await setUp({ holdCallStreamMs: 1_200 }, {}, 1);
    const call = app.client
      .callToolWithRetry('s', 'transfer_money', { amount: 1 })
      .catch((e: unknown) => e);
    await until(() => mcp.callPosts.length === 2);
    oauth.setTokenEndpointDown(true);
    const error = await call;
    // Not an McpAuthError, which would say the call was never sent: it was accepted.
    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect((error as Error).message).toContain('the server would not resume the stream (HTTP 401)');
    expect((error as Error).message).not.toContain(SECRET);
    expect(mcp.callPosts).toEqual(['none', bearer(oauth, 0)]);
    // No GET went out without a token.
    expect(mcp.gets).toEqual([]);
  });

  it('ends the flow when the caller aborts', async () => {
    const { mcp, app } = await setUp({ revokeAfterCall: true, laterMetadata: 'hang' });
    const controller = new AbortController();
    const call = app.client
      .callToolWithRetry('s', 'transfer_money', { amount: 1 }, { signal: controller.signal })
      .catch((e: unknown) => e);
    await until(() => mcp.metadataRequests === 2);
    controller.abort();
    const error = await call;
    expect((error as Error).name).toBe('McpAbortedError');
    expect(mcp.callPosts).toHaveLength(2);
  });

  it('opens the session stream with a token after a 401, and answers what comes on it', async () => {
    const { oauth, mcp, app } = await setUp({}, { listen: true });
    await app.client.connectWithRetry('s');
    await until(() => mcp.responses().length > 0);
    expect(mcp.responses()).toEqual([{ jsonrpc: '2.0', id: 'server-ping-1', result: {} }]);
    // The handshake needed no token: the stream's GET was the first request to ask for one.
    expect(mcp.gets).toEqual([
      { authorization: undefined, lastEventId: undefined, status: 401 },
      { authorization: bearer(oauth, 0), lastEventId: undefined, status: 200 },
    ]);
  });

  it('stops listening after a second 401 to the session stream', async () => {
    const { oauth, mcp, app } = await setUp({ refuseEveryGet: true }, { listen: true });
    await app.client.connectWithRetry('s');
    await until(() => mcp.gets.length === 2);
    // Past the 1 s a reopen would wait: no third GET, no third token.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(mcp.gets.map((get) => get.status)).toEqual([401, 401]);
    expect(mcp.gets[1].authorization).toBe(bearer(oauth, 0));
    expect(oauth.tokenRequests).toHaveLength(1);
  });
});

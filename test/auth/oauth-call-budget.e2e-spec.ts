import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  isMcpAbortedError,
  isMcpAuthError,
  isMcpTimeoutError,
  type McpTimeoutError,
} from '@app/fastmcp';
import { createClientCredentialsProvider } from '../../libs/fastmcp/src/auth/client-credentials-provider.js';
import { OAuthServerAuth } from '../../libs/fastmcp/src/auth/oauth-server-auth.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  type SlowAuthorizationServer,
  type SlowAuthorizationServerOptions,
  startSlowAuthorizationServer,
} from '../support/oauth/slow-authorization-server.js';

const SECRET = 'svc-secret-0123456789';
const TOKEN_PATH = '/token';

describe('the OAuth flow within the call: its budget and its abort', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function slowServer(
    options: SlowAuthorizationServerOptions,
  ): Promise<SlowAuthorizationServer> {
    const server = await startSlowAuthorizationServer(options);
    cleanups.push(() => server.close());
    return server;
  }

  async function appFor(
    server: SlowAuthorizationServer,
    requestTimeoutMs: number,
  ): Promise<ClientTestApp> {
    const auth = {
      type: 'client_credentials' as const,
      clientId: 'svc',
      clientSecret: SECRET,
      issuer: server.issuer,
    };
    const app = await startClientApp({
      dlq: false,
      retry: { requestTimeoutMs },
      servers: { github: { url: server.url, auth } },
    });
    cleanups.push(() => app.close());
    return app;
  }

  it('ends a call whose budget is shorter than a slow OAuth flow within that budget', async () => {
    // Each OAuth answer comes just under the request timeout: the flow alone takes over 12 s.
    const server = await slowServer({ metadataDelayMs: 4_000, tokenDelayMs: 4_000 });
    const app = await appFor(server, 5_000);

    const started = Date.now();
    const error = await app.client
      .callToolWithRetry('github', 'echo', {}, { timeoutMs: 1_000 })
      .catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(3_000);
    expect(isMcpTimeoutError(error)).toBe(true);
    expect((error as McpTimeoutError).scope).toBe('budget');
    expect(inspect(error, { depth: 5 })).not.toContain(SECRET);
    // The OAuth request the budget cut was dropped, not left running.
    await vi.waitFor(() => expect(server.abandoned).toHaveLength(1));
    expect(server.requests).not.toContain(TOKEN_PATH);
  });

  it('ends a call at once when its caller aborts while the token request hangs, and closes that request', async () => {
    const server = await slowServer({ metadataDelayMs: 0, tokenDelayMs: 60_000 });
    const app = await appFor(server, 10_000);
    const caller = new AbortController();
    const call = app.client
      .callToolWithRetry('github', 'echo', {}, { signal: caller.signal })
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.requests).toContain(TOKEN_PATH), { timeout: 5_000 });

    const abortedAt = Date.now();
    caller.abort();
    const error = await call;

    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    expect(isMcpAbortedError(error)).toBe(true);
    await vi.waitFor(() => expect(server.abandoned).toEqual([TOKEN_PATH]));
  });

  it("fails a refused flow that outlasts the refused attempt's timeout as McpAuthError, not retried", async () => {
    // Metadata and the retried discovery take longer than the request timeout of the 401'd attempt.
    const server = await slowServer({ metadataDelayMs: 1_500, tokenDelayMs: 0, refuseToken: true });
    const app = await appFor(server, 2_000);

    const error = await app.client.callToolWithRetry('github', 'echo').catch((e: unknown) => e);

    expect(isMcpAuthError(error)).toBe(true);
    expect(app.retries).toEqual([]);
  });

  it('keeps a shared token request for the callers still waiting when one caller aborts', async () => {
    const server = await slowServer({ metadataDelayMs: 0, tokenDelayMs: 1_500 });
    const auth = new OAuthServerAuth({
      provider: createClientCredentialsProvider({
        type: 'client_credentials',
        clientId: 'svc',
        clientSecret: SECRET,
        issuer: server.issuer,
      }),
      serverUrl: server.url,
      clientId: 'github',
      requestTimeoutMs: 10_000,
      secrets: [SECRET],
      issuer: server.issuer,
    });
    const leaving = new AbortController();
    const left = auth.onChallenge({ status: 401 }, leaving.signal).catch((e: unknown) => e);
    const staying = auth.onChallenge({ status: 401 }, new AbortController().signal);
    await vi.waitFor(() => expect(server.requests).toContain(TOKEN_PATH), { timeout: 5_000 });

    const reason = new Error('this caller gave up');
    leaving.abort(reason);
    expect(await left).toBe(reason);
    await staying;

    expect(await auth.authorization()).toBe('Bearer at_ok');
    expect(server.requests.filter((path) => path === TOKEN_PATH)).toHaveLength(1);
    expect(server.abandoned).toEqual([]);
  });
});

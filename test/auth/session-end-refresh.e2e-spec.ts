import { afterEach, describe, expect, it } from 'vitest';
import { isMcpTransportError, type McpTransportError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type SlowAuthorizationServer,
  startSlowAuthorizationServer,
} from '../support/oauth/slow-authorization-server.js';
import { until } from '../support/until.js';

/** The 5 s every message of its own (a notification, a session's DELETE) is bounded by. */
const MESSAGE_BOUND_MS = 5_000;

describe("a session's DELETE whose token needs a refresh", () => {
  let server: SlowAuthorizationServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  /** A client of a server whose first token lives 2 s and whose refresh hangs past the bound. */
  async function appWithHangingRefresh(): Promise<ClientTestApp> {
    server = await startSlowAuthorizationServer({
      metadataDelayMs: 0,
      tokenDelayMs: 60_000,
      expiresInSeconds: 2,
      slowAfterFirstToken: true,
      acceptToken: true,
    });
    return startClientApp({
      dlq: false,
      retry: { requestTimeoutMs: 30_000 },
      servers: {
        github: {
          url: server.url,
          auth: {
            type: 'client_credentials',
            clientId: 'svc',
            clientSecret: 'svc-secret-0123456789',
            issuer: server.issuer,
          },
        },
      },
    });
  }

  it('ends shutdown within the DELETE bound when the refresh hangs', async () => {
    const app = await appWithHangingRefresh();
    await app.client.connectWithRetry('github');
    expect(server!.requests.filter((path) => path === '/token')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // the token is now due

    const started = Date.now();
    await app.close();
    const tookMs = Date.now() - started;

    expect(server!.requests.filter((path) => path === '/token')).toHaveLength(2);
    expect(tookMs).toBeLessThan(MESSAGE_BOUND_MS + 3_000);
    // The hung token request was dropped, not left running; no DELETE went without a token.
    await until(() => server?.abandoned.includes('/token') ?? false);
    expect(server!.deletedSessions).toEqual([]);
  }, 20_000);

  it('fails disconnect() with McpTransportError (not delivered) when the refresh hangs', async () => {
    const app = await appWithHangingRefresh();
    try {
      await app.client.connectWithRetry('github');
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // the token is now due
      const error = await app.client.disconnect('github').then(
        () => undefined,
        (failure: unknown) => failure as McpTransportError,
      );
      expect(isMcpTransportError(error)).toBe(true);
      expect(error?.message).toBe('ERR_CANCELED: session end (DELETE) not delivered');
      expect(error?.failure).toBe('network');
      expect(server!.deletedSessions).toEqual([]);
    } finally {
      await app.close();
    }
  }, 20_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { startClientApp } from '../support/client-test-app.js';
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

  it('ends shutdown within the DELETE bound when the refresh hangs', async () => {
    // The first token lives 2 s; the refresh the DELETE needs hangs far past the bound.
    server = await startSlowAuthorizationServer({
      metadataDelayMs: 0,
      tokenDelayMs: 60_000,
      expiresInSeconds: 2,
      slowAfterFirstToken: true,
      acceptToken: true,
    });
    const app = await startClientApp({
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
    await app.client.connectWithRetry('github');
    expect(server.requests.filter((path) => path === '/token')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // the token is now due

    const started = Date.now();
    await app.close();
    const tookMs = Date.now() - started;

    expect(server.requests.filter((path) => path === '/token')).toHaveLength(2);
    expect(tookMs).toBeLessThan(MESSAGE_BOUND_MS + 3_000);
    // The hung token request was dropped, not left running; no DELETE went without a token.
    await until(() => server?.abandoned.includes('/token') ?? false);
    expect(server.deletedSessions).toEqual([]);
  }, 20_000);
});

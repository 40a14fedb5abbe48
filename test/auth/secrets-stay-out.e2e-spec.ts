import { afterEach, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, isMcpAuthError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type {
  OAuthTestServerHandle,
  OAuthTestServerOptions,
} from '../support/oauth/oauth-test-server.interface.js';

const SECRET = 'svc-secret-0123456789';

describe('tokens and secrets never reach a dead letter or a log line', () => {
  let server: OAuthTestServerHandle;
  let app: ClientTestApp;
  afterEach(async () => {
    await app?.close();
    await server?.close();
  });

  /** A server knowing client `svc` by SECRET, and an app that signs in as `svc` with `secret`. */
  async function start(
    serverOptions: Partial<OAuthTestServerOptions>,
    secret = SECRET,
  ): Promise<CapturingLogger> {
    server = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: SECRET, scopes: ['mcp:read'] }],
      ...serverOptions,
    });
    const logger = new CapturingLogger();
    const auth = {
      type: 'client_credentials' as const,
      clientId: 'svc',
      clientSecret: secret,
      issuer: server.issuer,
    };
    app = await startClientApp({ servers: { github: { url: server.url, auth } } }, logger);
    return logger;
  }

  /** Everything the app recorded: every log line with its params, every dead letter. */
  async function recorded(logger: CapturingLogger): Promise<string> {
    const dlq = app.moduleRef.get(DeadLetterQueueService);
    const { items } = await dlq.list({ limit: 100 });
    return JSON.stringify({ lines: logger.lines, items });
  }

  it('a call that fails for good after being authorized', async () => {
    const logger = await start({ unavailableTools: ['unavailable'] });
    await app.client.callToolWithRetry('github', 'echo', { text: 'ok' });
    await expect(app.client.callToolWithRetry('github', 'unavailable')).rejects.toThrow();

    const text = await recorded(logger);
    expect(text).toContain('"toolName":"unavailable"');
    expect(server.issuedTokens.length).toBeGreaterThan(0);
    for (const token of server.issuedTokens) expect(text).not.toContain(token);
    expect(text).not.toContain(SECRET);
  });

  it('a call refused because the secret is wrong (the server quotes it back)', async () => {
    const wrong = 'wrong-secret-9876543210';
    const logger = await start({ echoCredentialsInErrors: true }, wrong);
    const error = await app.client
      .callToolWithRetry('github', 'echo', { text: 'x' })
      .catch((e: unknown) => e);
    expect(isMcpAuthError(error)).toBe(true);

    const text = await recorded(logger);
    expect(text).toContain('invalid_client');
    expect(text).not.toContain(wrong);
  });

  it('a server that says the access token back as a tool name and a cursor', async () => {
    const logger = await start({ echoTokenInToolsList: true });
    const error = await app.client.listToolsWithRetry('github').catch((e: unknown) => e);

    expect(String(error)).toContain('repeated the cursor');
    const text = (await recorded(logger)) + String(error);
    expect(text).toContain('Skipped 1 invalid tool(s) from github');
    expect(server.issuedTokens.length).toBeGreaterThan(0);
    for (const token of server.issuedTokens) expect(text).not.toContain(token);
  });
});

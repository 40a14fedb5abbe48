// A 403 step-up is read from the Bearer challenge of WWW-Authenticate as RFC 9110 writes it:
// among other schemes, with spaces around "=", never out of another parameter's quoted value.
// The transport and the OAuth flow agree on what is a step-up.
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpHttpError, type McpHttpError } from '@app/fastmcp';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import {
  startStepUpServer,
  type StepUpServer,
  type StepUpServerOptions,
} from '../support/oauth/transport-step-up-server.js';

const SECRET = 'svc-secret-0123456789';

describe('a 403 step-up challenge, as the server writes it', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(
    challenge: StepUpServerOptions['challenge'],
  ): Promise<{ server: StepUpServer; app: ClientTestApp }> {
    const server = await startStepUpServer({
      client: { clientId: 'svc', secret: SECRET, scopes: ['mcp:read', 'mcp:admin', 'mcp:root'] },
      toolScopes: { admin_action: 'mcp:admin' },
      challenge,
    });
    cleanups.push(() => server.close());
    const auth = {
      type: 'client_credentials' as const,
      clientId: 'svc',
      clientSecret: SECRET,
      scope: 'mcp:read',
      issuer: server.issuer,
    };
    const app = await startClientApp({ dlq: false, servers: { s: { url: server.url, auth } } });
    cleanups.push(() => app.close());
    return { server, app };
  }

  /** The scopes each token request asked for. */
  const asked = (server: StepUpServer) => server.tokenRequests.map((r) => r.scope?.split(' '));

  it.each([
    [
      'in a header field of its own',
      (scope: string) => [
        'DPoP algs="ES256"',
        `Bearer error="insufficient_scope", scope="${scope}"`,
      ],
    ],
    [
      'after another scheme',
      (scope: string) => `DPoP algs="ES256", Bearer error="insufficient_scope", scope="${scope}"`,
    ],
    [
      'with spaces around "="',
      (scope: string) => `Bearer error = "insufficient_scope" , scope = "${scope}"`,
    ],
  ])('steps up on a Bearer challenge %s', async (_where, challenge) => {
    const { server, app } = await setUp(challenge);
    const result = await app.client.callToolWithRetry('s', 'admin_action');
    expect(result.content).toEqual([{ type: 'text', text: 'admin_action done' }]);
    expect(server.callStatuses).toEqual([401, 403, 200]);
    expect(asked(server)).toEqual([['mcp:read'], expect.arrayContaining(['mcp:admin'])]);
  });

  it('reads the scope parameter, not a "scope=" inside error_description', async () => {
    const { server, app } = await setUp(
      (scope) =>
        `Bearer error="insufficient_scope", error_description="scope=mcp:root is what you lack", scope="${scope}"`,
    );
    await app.client.callToolWithRetry('s', 'admin_action');
    expect(server.callStatuses).toEqual([401, 403, 200]);
    expect(asked(server).flat()).not.toContain('mcp:root');
    expect(asked(server)[1]).toContain('mcp:admin');
  });

  it('takes a 403 whose insufficient_scope is another scheme for a refusal: no flow', async () => {
    const { server, app } = await setUp(
      (scope) => `DPoP error="insufficient_scope", scope="${scope}", Bearer realm="mcp"`,
    );
    const error = await app.client.callToolWithRetry('s', 'admin_action').catch((e: unknown) => e);
    expect(isMcpHttpError(error)).toBe(true);
    expect((error as McpHttpError).status).toBe(403);
    // One token (for the 401), none for the 403, and the call not re-sent.
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.callStatuses).toEqual([401, 403]);
  });
});

// A protected resource metadata request that fails (5xx, no answer, a bad document) is not "no
// metadata published": the flow does not fall back to the 2025-03-26 rules (the MCP server as
// its own authorization server), and a transient failure is retried.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpAuthError, type McpAuthError } from '@app/fastmcp';
import { checkedProvider } from '../../libs/fastmcp/src/auth/checked-provider.js';
import { OAuthServerAuth } from '../../libs/fastmcp/src/auth/oauth-server-auth.js';
import { startClientApp } from '../support/client-test-app.js';
import { serveOnLoopback } from '../support/loopback-server.js';
import { AutoConsentProvider } from '../support/oauth/auto-consent-provider.js';
import { readText, sendJson } from '../support/oauth/http-io.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import type { OAuthTestServerOptions } from '../support/oauth/oauth-test-server.interface.js';

type MetadataAnswer = (res: ServerResponse) => void;

describe('OAuth discovery when the protected resource metadata cannot be read', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /**
   * An MCP origin that answers its metadata request with `answer`, publishes no authorization
   * server metadata, and would register any client (as the 2025-03-26 fallback expects).
   */
  async function mcpOrigin(answer: MetadataAnswer): Promise<{ url: string; paths: string[] }> {
    const paths: string[] = [];
    const server = await serveOnLoopback(async (req, res) => {
      paths.push(`${req.method} ${req.url}`);
      await readText(req);
      if (req.url?.startsWith('/.well-known/oauth-protected-resource')) return answer(res);
      if (req.method === 'POST' && req.url === '/register') {
        return sendJson(res, 201, { client_id: 'c1', token_endpoint_auth_method: 'none' });
      }
      sendJson(res, 404, { error: 'not_found' });
    });
    cleanups.push(() => server.close());
    return { url: `http://127.0.0.1:${server.port}/mcp`, paths };
  }

  async function failure(promise: Promise<unknown>): Promise<McpAuthError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isMcpAuthError(error)).toBe(true);
    return error as McpAuthError;
  }

  it.each<[string, MetadataAnswer, string, boolean]>([
    ['a 503', (res) => sendJson(res, 503, { error: 'maintenance' }), 'HTTP 503', true],
    ['no answer', () => undefined, 'no answer: TimeoutError', true],
    [
      'a bad document',
      (res) => sendJson(res, 200, { resource: 7 }),
      'HTTP 200, not valid metadata',
      false,
    ],
  ])(
    'on %s, registers nowhere and sends no user: McpAuthError, transient or not',
    async (_name, answer, outcome, transient) => {
      const server = await mcpOrigin(answer);
      const provider = new AutoConsentProvider();
      const auth = new OAuthServerAuth({
        provider: checkedProvider(provider, server.url),
        serverUrl: server.url,
        clientId: 'notes',
        requestTimeoutMs: 300,
      });

      const error = await failure(auth.onChallenge({ status: 401, wwwAuthenticate: 'Bearer' }));
      expect(error.reason).toBe(
        `OAuth flow failed: the protected resource metadata of ${server.url} could not be read ` +
          `(${outcome}): the 2025-03-26 fallback is only for a server that publishes none`,
      );
      expect(error.transient).toBe(transient);
      expect(server.paths).not.toContain('POST /register');
      expect(provider.authorizationUrls).toEqual([]);
    },
  );

  async function clientApp(options: OAuthTestServerOptions) {
    const server = await startOAuthTestServer(options);
    cleanups.push(() => server.close());
    const provider = new AutoConsentProvider();
    const app = await startClientApp({ servers: { notes: { url: server.url, auth: provider } } });
    cleanups.push(() => app.close());
    return { server, provider, app };
  }

  it('retries a call whose flow met a 503 on the metadata, and authorizes once it answers', async () => {
    const { server, provider, app } = await clientApp({});
    server.setResourceMetadataDown(true);
    const registrationsWhileDown: number[] = [];
    app.events.on('retry.scheduled', () => {
      registrationsWhileDown.push(server.registrations);
      server.setResourceMetadataDown(false);
    });

    const result = await app.client.callToolWithRetry('notes', 'echo', { text: 'hi' });
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(app.retries.map((retry) => retry.reason)).toEqual(['auth']);
    expect(registrationsWhileDown).toEqual([0]);
    expect(provider.authorizationUrls).toHaveLength(1);
  });

  it('does not fall back when the metadata URL the challenge names answers 404, nor retry', async () => {
    // The 401 names resource_metadata; that URL answers 404.
    const { server, provider, app } = await clientApp({
      protectedResourceMetadata: () => undefined,
    });

    const error = await failure(app.client.callToolWithRetry('notes', 'echo', { text: 'x' }));
    expect(error.reason).toContain('could not be read (HTTP 404)');
    expect(error.transient).toBe(false);
    expect(app.retries).toEqual([]);
    expect(server.registrations).toBe(0);
    expect(provider.authorizationUrls).toEqual([]);
  });
});

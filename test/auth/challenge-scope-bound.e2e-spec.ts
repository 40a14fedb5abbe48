import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpAuthError } from '@app/fastmcp';
import { startClientApp } from '../support/client-test-app.js';
import { type LoopbackServer, serveOnLoopback } from '../support/loopback-server.js';

const SECRET = 'svc-secret-0123456789';

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * An MCP server that is its own authorization server (client credentials) and answers every
 * `tools/call` 401, naming `scopesPerChallenge` scopes it never named before.
 */
async function scopeHoarder(scopesPerChallenge: number) {
  const tokenBodies: string[] = [];
  let challenges = 0;
  let origin = '';
  const server: LoopbackServer = await serveOnLoopback(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const path = new URL(req.url ?? '/', origin).pathname;
    if (path === '/.well-known/oauth-protected-resource/mcp') {
      return sendJson(res, { resource: `${origin}/mcp`, authorization_servers: [origin] });
    }
    if (path === '/.well-known/oauth-authorization-server') {
      return sendJson(res, {
        issuer: origin,
        token_endpoint: `${origin}/token`,
        response_types_supported: ['code'],
        grant_types_supported: ['client_credentials'],
      });
    }
    if (path === '/token') {
      tokenBodies.push(body);
      return sendJson(res, { access_token: `at_${tokenBodies.length}`, token_type: 'bearer' });
    }
    const message = JSON.parse(body) as { id?: number; method: string };
    if (message.id === undefined) return void res.writeHead(202).end();
    if (message.method === 'tools/call') {
      challenges += 1;
      const scope = Array.from({ length: scopesPerChallenge }, (_, i) => `s${challenges}_${i}`);
      res.writeHead(401, { 'www-authenticate': `Bearer scope="${scope.join(' ')}"` }).end();
      return;
    }
    const result =
      message.method === 'initialize'
        ? {
            protocolVersion: '2025-11-25',
            capabilities: { tools: {} },
            serverInfo: { name: 'h', version: '1' },
          }
        : {};
    sendJson(res, { jsonrpc: '2.0', id: message.id, result });
  });
  origin = `http://127.0.0.1:${server.port}`;
  return { server, origin, url: `${origin}/mcp`, tokenBodies };
}

describe('scopes a server names in its challenges', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The hoarding server, and an app calling it with client credentials its origin issues. */
  async function setUp(scopesPerChallenge: number) {
    const hoarder = await scopeHoarder(scopesPerChallenge);
    cleanups.push(() => hoarder.server.close());
    const auth = {
      type: 'client_credentials' as const,
      clientId: 'svc',
      clientSecret: SECRET,
      issuer: hoarder.origin,
    };
    const app = await startClientApp({ dlq: false, servers: { h: { url: hoarder.url, auth } } });
    cleanups.push(() => app.close());
    return { hoarder, app };
  }

  it('refuses a challenge that would take the flows past 64 scopes, before any token request', async () => {
    const { hoarder, app } = await setUp(100);

    const error = await app.client.callTool('h', 'x').catch((e: unknown) => e);

    expect(isMcpAuthError(error)).toBe(true);
    expect((error as Error).message).toContain('more than 64 scopes or 4096 characters');
    expect(hoarder.tokenBodies).toEqual([]);
  });

  it('keeps every token request within the bound when each challenge adds a few scopes', async () => {
    const { hoarder, app } = await setUp(10);

    const errors: unknown[] = [];
    for (let i = 0; i < 12; i += 1)
      errors.push(await app.client.callTool('h', 'x').catch((e: unknown) => e));

    // Six challenges of ten new scopes fit; the seventh (70) is refused, and so is every later one.
    expect(errors.every(isMcpAuthError)).toBe(true);
    expect(
      errors.filter((e) => (e as Error).message.includes('more than 64 scopes')),
    ).not.toHaveLength(0);
    const scopes = hoarder.tokenBodies.map((body) => new URLSearchParams(body).get('scope') ?? '');
    expect(Math.max(...scopes.map((scope) => scope.split(' ').length))).toBeLessThanOrEqual(64);
  });
});

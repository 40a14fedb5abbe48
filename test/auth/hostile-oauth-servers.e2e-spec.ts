import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isMcpAuthError, type McpAuthError } from '@app/fastmcp';
import { createClientCredentialsProvider } from '../../libs/fastmcp/src/auth/client-credentials-provider.js';
import { OAuthServerAuth } from '../../libs/fastmcp/src/auth/oauth-server-auth.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { serveOnLoopback } from '../support/loopback-server.js';

const SECRET = 'svc-secret-0123456789';
const MiB = 1024 * 1024;

type Route = (req: IncomingMessage, res: ServerResponse, origin: string) => void;

interface Hostile {
  origin: string;
  url: string;
  paths: string[];
  close(): Promise<void>;
}

/** An MCP server that always answers 401, and is its own authorization server. */
async function startHostile(routes: Record<string, Route> = {}): Promise<Hostile> {
  const paths: string[] = [];
  let origin = '';
  const defaults: Record<string, Route> = {
    '/mcp': (_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    },
    '/.well-known/oauth-protected-resource/mcp': (_req, res, o) =>
      json(res, 200, { resource: `${o}/mcp`, authorization_servers: [o] }),
    '/.well-known/oauth-authorization-server': (_req, res, o) =>
      json(res, 200, {
        issuer: o,
        authorization_endpoint: `${o}/authorize`,
        token_endpoint: `${o}/token`,
        response_types_supported: ['code'],
        grant_types_supported: ['client_credentials'],
      }),
    '/token': (_req, res) => json(res, 200, { access_token: 'at_ok', token_type: 'bearer' }),
  };
  const server = await serveOnLoopback(async (req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    paths.push(path);
    for await (const chunk of req) void chunk;
    const route = routes[path] ?? defaults[path];
    if (route) route(req, res, origin);
    else res.writeHead(404).end();
  });
  origin = `http://127.0.0.1:${server.port}`;
  return { origin, url: `${origin}/mcp`, paths, close: () => server.close() };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Writes `total` bytes in 64 KiB chunks, without Content-Length, as the client reads them. */
async function streamBytes(res: ServerResponse, total: number, fill: string): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, fill);
  for (let sent = 0; sent < total && !res.destroyed; sent += chunk.length) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

describe('OAuth flow against hostile servers', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function hostile(routes?: Record<string, Route>): Promise<Hostile> {
    const server = await startHostile(routes);
    cleanups.push(() => server.close());
    return server;
  }

  function authFor(server: Hostile, issuer = server.origin): OAuthServerAuth {
    return new OAuthServerAuth({
      provider: createClientCredentialsProvider({
        type: 'client_credentials',
        clientId: 'svc',
        clientSecret: SECRET,
        issuer,
      }),
      serverUrl: server.url,
      clientId: 'github',
      requestTimeoutMs: 10_000,
      secrets: [SECRET],
      issuer,
    });
  }

  async function failure(promise: Promise<unknown>): Promise<McpAuthError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isMcpAuthError(error)).toBe(true);
    return error as McpAuthError;
  }

  it('refuses a token response over 1 MiB by Content-Length, before reading it', async () => {
    const server = await hostile({
      '/token': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 * MiB });
        res.write('{"access_token":"');
      },
    });
    const error = await failure(authFor(server).onChallenge({ status: 401 }));
    expect(error.reason).toMatch(/^the response from http:\/\/127\.0\.0\.1:\d+ was too large/);
  });

  it('stops reading a streamed token response past 1 MiB', async () => {
    let sent = false;
    const server = await hostile({
      '/token': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"access_token":"');
        void streamBytes(res, 100 * MiB, 'a').then(() => (sent = true));
      },
    });
    const error = await failure(authFor(server).onChallenge({ status: 401 }));
    expect(error.reason).toContain('was too large');
    expect(sent).toBe(false);
  });

  it('keeps a 32 MB non-JSON error body out of the reason and the cause', async () => {
    const server = await hostile({
      '/token': (_req, res) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        void streamBytes(res, 32 * MiB, 'x');
      },
    });
    const error = await failure(authFor(server).onChallenge({ status: 401 }));
    expect(error.reason).toContain('was too large');
    expect(JSON.stringify(error).length).toBeLessThan(10_000);
    expect(String((error.cause as Error | undefined)?.message ?? '').length).toBeLessThan(10_000);
  });

  it('cuts a long error text before scrubbing it, and never quotes the raw body', async () => {
    const server = await hostile({
      '/token': (_req, res) => {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`ami-id\n${'y'.repeat(MiB / 2)}`);
      },
    });
    const error = await failure(authFor(server).onChallenge({ status: 401 }));
    expect(error.reason).not.toContain('ami-id');
    expect((error.cause as Error).message.length).toBeLessThanOrEqual(4096 + 3);
  });

  it('ignores a resource_metadata URL on another origin: no request reaches it', async () => {
    const metadataHost = await hostile({
      '/latest/meta-data': (_req, res) => res.end('ami-id\nhostname'),
    });
    const server = await hostile();
    const auth = authFor(server);
    await auth.onChallenge({
      status: 401,
      wwwAuthenticate: `Bearer resource_metadata="${metadataHost.origin}/latest/meta-data"`,
    });
    expect(await auth.authorization()).toBe('Bearer at_ok');
    expect(metadataHost.paths).toEqual([]);
    expect(server.paths).toContain('/.well-known/oauth-protected-resource/mcp');
  });

  it('with an issuer, refuses an authorization server on another origin before any request', async () => {
    const other = await hostile({
      '/.well-known/oauth-authorization-server': (_req, res) => res.end('ami-id\nhostname'),
    });
    const server = await hostile({
      '/.well-known/oauth-protected-resource/mcp': (_req, res, o) =>
        json(res, 200, { resource: `${o}/mcp`, authorization_servers: [other.origin] }),
    });
    const error = await failure(authFor(server).onChallenge({ status: 401 }));
    expect(error.reason).toBe(
      `refused to fetch ${other.origin}: not the origin of the MCP server, the issuer or the ` +
        "token endpoint the issuer's metadata names",
    );
    expect(other.paths).toEqual([]);
    expect(JSON.stringify(error)).not.toContain('ami-id');
  });

  it.each([
    ['a non-Latin-1 character', 'at_\u0100k'],
    ['an empty token', ''],
  ])('fails a token with %s as McpAuthError, in one attempt', async (_name, token) => {
    const server = await hostile({
      '/token': (_req, res) => json(res, 200, { access_token: token, token_type: 'bearer' }),
    });
    const app: ClientTestApp = await startClientApp({
      servers: {
        github: {
          url: server.url,
          auth: {
            type: 'client_credentials',
            clientId: 'svc',
            clientSecret: SECRET,
            issuer: server.origin,
          },
        },
      },
    });
    cleanups.push(() => app.close());
    const error = await failure(app.client.callToolWithRetry('github', 'echo'));
    expect(error.reason).toBe(
      'the access token is not a valid bearer token (RFC 6750 b64token syntax)',
    );
    if (token) expect(error.message).not.toContain(token);
    expect(app.retries).toEqual([]);
    expect(server.paths.filter((p) => p === '/token')).toHaveLength(1);
  });
});

// A server that answers 3xx (a trailing-slash redirect, a moved endpoint) is not followed: the
// request would carry its credentials to wherever the answer points. The error says where it
// points, without what must not be shown (credentials, query), so the fix is plain.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { isMcpHttpError, type McpHttpError } from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';

let server: Server | undefined;
let app: ClientTestApp | undefined;
afterEach(async () => {
  await app?.close();
  await new Promise((resolve) => server?.close(resolve));
  server = app = undefined;
});

async function redirectingTo(location: string): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(308, { location }).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, requests };
}

async function connectFailure(
  url: string,
  headers?: Record<string, string>,
): Promise<McpHttpError> {
  app = await startClientApp({ dlq: false, servers: { moved: { url, headers } } });
  return app.client.connectWithRetry('moved').then(
    () => {
      throw new Error('connected through a redirect');
    },
    (error: unknown) => error as McpHttpError,
  );
}

it('names where a relative redirect points, and does not follow it', async () => {
  const { url, requests } = await redirectingTo('/mcp/');
  const error = await connectFailure(url);
  expect(isMcpHttpError(error)).toBe(true);
  expect(error.status).toBe(308);
  expect(error.message).toBe(
    `HTTP 308: redirected to ${url}/; redirects are not followed (the request would carry its credentials there): configure that URL as the server's url`,
  );
  expect(requests).toEqual(['POST /mcp']);
});

it("shows another host's origin and path only: no credentials, query or fragment", async () => {
  const { url } = await redirectingTo(
    'http://user:pa55w0rd@mcp.example.com/v2/mcp?token=abc123#frag',
  );
  const error = await connectFailure(url);
  expect(error.message).toContain('redirected to http://mcp.example.com/v2/mcp;');
  for (const hidden of ['pa55w0rd', 'user:', 'abc123', 'frag']) {
    expect(error.message).not.toContain(hidden);
  }
});

it.each([
  ['its path', (secret: string) => `http://mcp.example.com/v2/${secret}/mcp`],
  // Parsed, a host is lower-cased: the secret would no longer be the one configured.
  ['its host', (secret: string) => `http://${secret}.evil.example/mcp`],
  ['its query', (secret: string) => `/mcp?session=${secret}`],
])('does not show where a redirect points when %s echoes a configured secret', async (_, to) => {
  const secret = 'sk-LIVE-0123456789abcdef';
  const { url } = await redirectingTo(to(secret));
  const error = await connectFailure(url, { 'x-api-key': secret });
  expect(error.message).toMatch(/^HTTP 308: redirected to a URL that held a secret; /);
  expect(error.message.toLowerCase()).not.toContain(secret.toLowerCase());
});

it('redacts a configured secret that parsing decodes out of a percent-encoded host', async () => {
  const secret = 'key-API-0123456789';
  const { url } = await redirectingTo('http://key%2DAPI%2D0123456789.evil.example/x');
  const error = await connectFailure(url, { 'x-api-key': secret });
  expect(error.message).toContain('redirected to http://[REDACTED].evil.example/x;');
  expect(error.message.toLowerCase()).not.toContain(secret.toLowerCase());
});

// A proxy from the environment (HTTP_PROXY=http://user:password@proxy) that refuses a request
// with 407 may quote the credentials it got, decoded. They are the proxy URL's: the error, its
// log line and the dead letter do not carry them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it, vi } from 'vitest';
import { DeadLetterQueueService, isMcpHttpError } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';

const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'proxy-PASS-98765';

let proxy: Server | undefined;
let app: ClientTestApp | undefined;
afterEach(async () => {
  await app?.close();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  vi.unstubAllEnvs();
  proxy = app = undefined;
});

it("keeps the environment proxy's credentials out of a 407 it quotes them in", async () => {
  const seen: string[] = [];
  proxy = createServer((req, res) => {
    const credential = String(req.headers['proxy-authorization'] ?? '').replace(/^Basic /, '');
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    seen.push(decoded);
    res.writeHead(407, { 'content-type': 'text/plain' }).end(`proxy auth failed for ${decoded}`);
  });
  await new Promise<void>((resolve) => proxy?.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  for (const name of [
    'NO_PROXY',
    'no_proxy',
    'HTTPS_PROXY',
    'https_proxy',
    'ALL_PROXY',
    'all_proxy',
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('HTTP_PROXY', `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${port}`);
  const logger = new CapturingLogger();
  app = await startClientApp(
    { dlq: {}, servers: { behind: { url: 'http://mcp.internal.example/mcp' } } },
    logger,
  );

  const error = await app.client.connectWithRetry('behind').catch((e: unknown) => e);

  expect(seen).toContain(`${PROXY_USER}:${PROXY_PASSWORD}`);
  expect(isMcpHttpError(error) && error.status).toBe(407);
  const entries = (await app.moduleRef.get(DeadLetterQueueService).list()).items;
  expect(entries.map((entry) => entry.errorClass)).toEqual(['http_407']);
  const places = {
    error: `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`,
    logs: JSON.stringify(logger.lines),
    dlq: JSON.stringify(entries),
  };
  expect(places.error).toContain('proxy auth failed for [REDACTED]');
  for (const [place, text] of Object.entries(places)) {
    expect(text, place).not.toContain(PROXY_PASSWORD);
  }
});

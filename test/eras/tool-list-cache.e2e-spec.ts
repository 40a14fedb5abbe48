import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';
import { type EraServerHandle, startEraServer } from '../support/era-server/era-server.js';

/** Long enough that the second listing comes within it however loaded the machine. */
const TTL_MS = 2000;

describe('servers.*.toolListCache: a 2026-07-28 listing reused while its ttlMs lasts', () => {
  let modern: EraServerHandle;
  let legacy: EraServerHandle;
  let app: ClientTestApp;

  beforeAll(async () => {
    [modern, legacy] = await Promise.all([
      startEraServer('modern', { toolsTtlMs: TTL_MS }),
      startEraServer('legacy'),
    ]);
    app = await startClientApp({
      servers: {
        cached: { url: modern.url, toolListCache: true },
        uncached: { url: modern.url },
        legacy: { url: legacy.url, toolListCache: true },
      },
      dlq: false,
    });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([modern?.close(), legacy?.close()]);
  });

  const listings = (server: EraServerHandle) =>
    server.requests.filter((r) => r.body?.method === 'tools/list').length;

  it('lists once within the ttl, again after it, and only when asked to cache', async () => {
    const first = await app.client.listTools('cached');
    const second = await app.client.listTools('cached');
    expect(second).toEqual(first);
    expect(listings(modern)).toBe(1);
    await sleep(TTL_MS + 100);
    await app.client.listTools('cached');
    expect(listings(modern)).toBe(2);

    await app.client.listTools('uncached');
    await app.client.listTools('uncached');
    expect(listings(modern)).toBe(4);
  });

  it('caches nothing from a 2025-era server, which sends no ttlMs', async () => {
    await app.client.listTools('legacy');
    await app.client.listTools('legacy');
    expect(listings(legacy)).toBe(2);
  });
});

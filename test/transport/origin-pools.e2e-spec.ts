// OriginPools against node:http servers on 127.0.0.1, on fake sweep time: a pool left unused is
// closed and forgotten, one whose answer is still being read is kept, and the origin gets a new
// pool when it is called again.
import type { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { OriginPools, POOL_IDLE_MS } from '../../libs/fastmcp/src/transport/origin-pools.js';
import { type LoopbackServer, serveOnLoopback } from '../support/loopback-server.js';

let idleServer: LoopbackServer;
let busyServer: LoopbackServer;
let release: () => void = () => undefined;
let pools: OriginPools;

/** `/held` answers its head and part of its body, and ends only when `release()` is called. */
const serve = (): Promise<LoopbackServer> =>
  serveOnLoopback(async (req, res) => {
    if (req.url !== '/held') {
      res.end('ok');
      return;
    }
    res.writeHead(200).write('partial');
    await new Promise<void>((resolve) => (release = resolve));
    res.end('-end');
  });

const origin = (server: LoopbackServer): string => `http://127.0.0.1:${server.port}`;

async function answer(pool: Pool, path: string): Promise<string> {
  const { body } = await pool.request({ path, method: 'GET' });
  return body.text();
}

beforeAll(async () => {
  idleServer = await serve();
  busyServer = await serve();
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  pools = new OriginPools();
});
afterEach(async () => {
  vi.useRealTimers();
  release();
  await pools.close();
});
afterAll(async () => {
  await idleServer.close();
  await busyServer.close();
});

it('closes and forgets a pool unused for the idle time; the origin then gets a new one', async () => {
  const first = pools.get(origin(idleServer));
  expect(await answer(first, '/')).toBe('ok');
  // Taken again within each sweep interval: kept.
  for (let i = 0; i < 3; i++) {
    vi.advanceTimersByTime(POOL_IDLE_MS);
    expect(pools.get(origin(idleServer))).toBe(first);
  }

  vi.advanceTimersByTime(POOL_IDLE_MS);
  expect(first.closed).toBe(false);
  vi.advanceTimersByTime(POOL_IDLE_MS);
  expect(first.closed).toBe(true);
  // Nothing left to sweep: no timer stays behind.
  expect(vi.getTimerCount()).toBe(0);

  const second = pools.get(origin(idleServer));
  expect(second).not.toBe(first);
  expect(await answer(second, '/')).toBe('ok');
});

it('keeps a pool whose answer is still being read, and closes it once it is idle', async () => {
  const idle = pools.get(origin(idleServer));
  const busy = pools.get(origin(busyServer));
  const { body } = await busy.request({ path: '/held', method: 'GET' });

  vi.advanceTimersByTime(3 * POOL_IDLE_MS);
  expect(idle.closed).toBe(true);
  expect(busy.closed).toBe(false);
  expect(pools.get(origin(busyServer))).toBe(busy);

  release();
  expect(await body.text()).toBe('partial-end');
  vi.advanceTimersByTime(POOL_IDLE_MS);
  expect(busy.closed).toBe(false);
  vi.advanceTimersByTime(POOL_IDLE_MS);
  expect(busy.closed).toBe(true);
  expect(await answer(pools.get(origin(busyServer)), '/')).toBe('ok');
});

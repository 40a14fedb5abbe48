import { createServer } from 'node:net';

/**
 * Each test worker takes its ports from its own block of 1,000 below Linux's ephemeral range
 * (32768+), and never hands one out twice. A server stopped and restarted on its port (Redis
 * outages) then cannot find it taken by another worker's Redis or by an OS-assigned port, which
 * once let one test's restart reach, and empty, another test's Redis.
 */
const BLOCK_SIZE = 1000;
const FIRST_BLOCK = 20_000;
const BLOCKS = 12;
const workerBlock = Number(process.env.VITEST_POOL_ID ?? 0) % BLOCKS;
const handedOut = new Set<number>();

/** A free TCP port on `host` from this worker's block, not handed out before in this process. */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const start = FIRST_BLOCK + workerBlock * BLOCK_SIZE;
  for (let tries = 0; tries < BLOCK_SIZE; tries++) {
    const port = start + Math.floor(Math.random() * BLOCK_SIZE);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port, host)) return port;
  }
  throw new Error(`No free port left in ${start}..${start + BLOCK_SIZE - 1}`);
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** True when `error` is the "port already taken" listen error. */
export function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

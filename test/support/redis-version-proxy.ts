import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy to a real `redis-server` whose `INFO` says another major version. */
export interface RedisVersionProxy {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Forwards everything to `target` as it is, but the first digit of `redis_version:` in what
 * Redis answers becomes `major` (same length, so RESP lengths hold). Only the machine's Redis 7
 * is installed here; this is how a test meets a Redis 6 (an injected fault in one field).
 */
export async function startRedisVersionProxy(
  target: string,
  major: number,
): Promise<RedisVersionProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.once('error', () => (socket === client ? upstream : client).destroy());
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      client.write(
        chunk.toString('latin1').replace(/redis_version:\d/g, `redis_version:${major}`),
        'latin1',
      );
    });
    upstream.once('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

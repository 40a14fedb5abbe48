import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from './redis-server.js';

function connect(url: string): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  return client;
}

async function withClient<T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = connect(url);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

describe('redis-server harness', () => {
  let redis: RedisServerHandle;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('runs a real redis on a free port (not 6379)', async () => {
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    await withClient(redis.url, async (client) => {
      await client.set('harness:key', 'value');
      expect(await client.get('harness:key')).toBe('value');
    });
  });

  it('stops for real and restarts on the same port, empty', async () => {
    await redis.stop();
    expect(redis.isRunning()).toBe(false);
    await expect(withClient(redis.url, (client) => client.ping())).rejects.toThrow(
      /ECONNREFUSED|Connection is closed/,
    );
    await redis.stop();

    await redis.start();
    expect(redis.isRunning()).toBe(true);
    await withClient(redis.url, async (client) => {
      expect(await client.ping()).toBe('PONG');
      expect(await client.get('harness:key')).toBeNull();
    });
  });
});

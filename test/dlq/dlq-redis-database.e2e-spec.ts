import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, FastMcpModule, isFastMcpConfigError } from '@app/fastmcp';
import { failedInput } from '../support/dlq/dlq-test-context.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';

/** ioredis's own SELECT of a database the server lacks fails silently: entries would go to 0. */
describe('the database of dlq.redis.url', () => {
  let server: RedisServerHandle;
  const opened: TestingModule[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((module) => module.close()));
  });

  async function start(url: string): Promise<TestingModule> {
    const module = await Test.createTestingModule({
      imports: [
        FastMcpModule.forRoot({ metrics: false, dlq: { spillFile: false, redis: { url } } }),
      ],
    })
      .setLogger(false as never)
      .compile();
    opened.push(module);
    await module.init();
    return module;
  }

  it('refuses one the server does not have, naming dlq.redis.url', async () => {
    // A default redis-server has databases 0 to 15.
    const failure = await start(`${server.url}/16`).catch((error: unknown) => error);
    expect(isFastMcpConfigError(failure)).toBe(true);
    if (!isFastMcpConfigError(failure)) return;
    expect(failure.issues.map((issue) => issue.field)).toEqual(['dlq.redis.url']);
    expect(failure.issues[0].message).toContain('has no database 16');
  });

  it('stores into one the server has, and nothing into database 0', async () => {
    const module = await start(`${server.url}/3`);
    await module.get(DeadLetterQueueService).store(failedInput());
    const db3 = new Redis(`${server.url}/3`);
    const db0 = new Redis(server.url);
    try {
      expect((await db3.keys('*')).length).toBeGreaterThan(0);
      expect(await db0.keys('*')).toEqual([]);
    } finally {
      db3.disconnect();
      db0.disconnect();
    }
  });
});

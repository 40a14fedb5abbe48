import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  type DlqRedisOptions,
  FastMcpModule,
  isFastMcpConfigError,
} from '@app/fastmcp';
import { failedInput } from '../support/dlq/dlq-test-context.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';
import { type RedisVersionProxy, startRedisVersionProxy } from '../support/redis-version-proxy.js';

/**
 * The Redis store needs Redis 7.0 (`SET ... NX GET`). Only Redis 7 is installed here, so the
 * Redis 6 is the real server behind a proxy that rewrites the major version `INFO` reports.
 */
describe('a Redis older than 7.0 stops the start, naming the option', () => {
  let server: RedisServerHandle;
  let redis6: RedisVersionProxy;
  const opened: TestingModule[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    redis6 = await startRedisVersionProxy(server.url, 6);
  });
  afterAll(async () => {
    await redis6.close();
    await server.close();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((module) => module.close()));
  });

  async function start(redis: DlqRedisOptions): Promise<TestingModule> {
    const module = await Test.createTestingModule({
      imports: [FastMcpModule.forRoot({ metrics: false, dlq: { spillFile: false, redis } })],
    })
      .setLogger(false as never)
      .compile();
    opened.push(module);
    await module.init();
    return module;
  }

  it('refuses dlq.redis.url on Redis 6 with the version in the message', async () => {
    const failure = await start({ url: redis6.url }).catch((error: unknown) => error);
    expect(isFastMcpConfigError(failure)).toBe(true);
    if (!isFastMcpConfigError(failure)) return;
    expect(failure.issues.map((issue) => issue.field)).toEqual(['dlq.redis.url']);
    expect(failure.issues[0].message).toMatch(
      /^Redis 6\.\d+\.\d+ is too old: .*Redis 7\.0 or later$/,
    );
  });

  it("refuses the app's own client on Redis 6 and leaves that client open", async () => {
    const client = new Redis(redis6.url);
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const failure = await start({ client }).catch((error: unknown) => error);
      expect(isFastMcpConfigError(failure) && failure.issues[0].field).toBe('dlq.redis.client');
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('starts on the same server when it says Redis 7, and stores', async () => {
    const module = await start({ url: server.url });
    const dlq = module.get(DeadLetterQueueService);
    await dlq.store(failedInput());
    expect((await dlq.getStats()).total).toBe(1);
  });
});

import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DeadLetterQueueService,
  type DlqRedisOptions,
  FastMcpModule,
  isFastMcpConfigError,
} from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { failedInput } from '../support/dlq/dlq-test-context.js';
import { findFreePort } from '../support/free-port.js';
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

  async function start(
    target: string | DlqRedisOptions,
    logger: CapturingLogger | false = false,
  ): Promise<TestingModule> {
    const redis = typeof target === 'string' ? { url: target } : target;
    const module = await Test.createTestingModule({
      imports: [FastMcpModule.forRoot({ metrics: false, dlq: { spillFile: false, redis } })],
    })
      .setLogger(logger as never)
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

  it("refuses an app's client on a database the server does not have, naming dlq.redis.client", async () => {
    const client = new Redis(`${server.url}/16`, { lazyConnect: true });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const failure = await start({ client }).catch((error: unknown) => error);
      expect(isFastMcpConfigError(failure)).toBe(true);
      if (!isFastMcpConfigError(failure)) return;
      expect(failure.issues.map((issue) => `${issue.field}: ${issue.message}`)).toEqual([
        expect.stringMatching(/^dlq\.redis\.client: the Redis server has no database 16/) as string,
      ]);
    } finally {
      client.disconnect();
    }
  });

  it("leaves no listener on an app's client once the module closes", async () => {
    const client = new Redis(`${server.url}/3`, { lazyConnect: true });
    try {
      await client.connect();
      const before = client.listenerCount('ready');
      const module = await start({ client });
      expect(client.listenerCount('ready')).toBe(before + 1);
      await module.close();
      opened.splice(opened.indexOf(module), 1);
      expect(client.listenerCount('ready')).toBe(before);
    } finally {
      client.disconnect();
    }
  });

  it('checks it once Redis answers, when it was down at start: nothing goes to database 0', async () => {
    const port = await findFreePort();
    const logger = new CapturingLogger();
    const module = await start(`redis://127.0.0.1:${port}/16`, logger);
    const late = await startRedisServer({ port });
    const db0 = new Redis(late.url);
    try {
      await vi.waitFor(
        () =>
          expect(
            logger.lines.filter((line) => line.level === 'error').map((l) => l.message),
          ).toEqual([expect.stringContaining('the Redis server has no database 16') as string]),
        { timeout: 15_000, interval: 100 },
      );
      await module
        .get(DeadLetterQueueService)
        .store(failedInput())
        .catch(() => undefined);
      expect(await db0.keys('*')).toEqual([]);
    } finally {
      db0.disconnect();
      await module.close();
      opened.splice(opened.indexOf(module), 1);
      await late.close();
    }
  });
});

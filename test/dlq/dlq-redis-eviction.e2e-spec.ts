import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, FastMcpModule } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { failedInput } from '../support/dlq/dlq-test-context.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';

/** A Redis that evicts keys to make room would drop dead letters without a trace. */
describe('the eviction policy of the Redis the DLQ starts on', () => {
  const opened: TestingModule[] = [];
  const servers: RedisServerHandle[] = [];

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((module) => module.close()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  /** The DLQ's WARN lines at the start of a module on a redis-server given `args`. */
  async function warningsOnStart(args: string[]): Promise<string[]> {
    const server = await startRedisServer({ args });
    servers.push(server);
    const logger = new CapturingLogger();
    const module = await Test.createTestingModule({
      imports: [
        FastMcpModule.forRoot({
          metrics: false,
          dlq: { spillFile: false, redis: { url: server.url } },
        }),
      ],
    })
      .setLogger(logger)
      .compile();
    opened.push(module);
    await module.init();
    // It starts all the same, and stores.
    await module.get(DeadLetterQueueService).store(failedInput());
    expect((await module.get(DeadLetterQueueService).getStats()).total).toBe(1);
    return logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
  }

  it.each(['allkeys-lru', 'volatile-ttl'])('warns at start under %s, naming it', async (policy) => {
    const warnings = await warningsOnStart(['--maxmemory-policy', policy]);
    expect(warnings).toEqual([
      expect.stringContaining(`the Redis of dlq.redis.url runs with maxmemory-policy ${policy}`),
    ]);
    expect(warnings[0]).toContain('set it to noeviction');
  });

  it('says nothing under noeviction', async () => {
    expect(await warningsOnStart(['--maxmemory-policy', 'noeviction'])).toEqual([]);
  });
});

import { RedisModule } from '@liaoliaots/nestjs-redis';
import { ModuleRef } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveDlqRedis } from './redis-dlq.connection.js';

describe('resolveDlqRedis with dlq.redis.namespace', () => {
  let module: TestingModule | undefined;

  afterEach(async () => {
    await module?.close();
    module = undefined;
  });

  it('without RedisModule: a FastMcpConfigError naming dlq.redis.namespace and RedisModule', async () => {
    module = await Test.createTestingModule({}).compile();
    await expect(resolveDlqRedis({ namespace: 'default' }, module.get(ModuleRef))).rejects.toThrow(
      expect.objectContaining({
        name: 'FastMcpConfigError',
        issues: [
          {
            field: 'dlq.redis.namespace',
            message: expect.stringContaining('RedisModule') as string,
          },
        ],
      }),
    );
  });

  it('with a RedisModule that has no such connection: a FastMcpConfigError naming it', async () => {
    module = await Test.createTestingModule({
      imports: [RedisModule.forRoot({ config: { host: '127.0.0.1', port: 9, lazyConnect: true } })],
    }).compile();
    await expect(resolveDlqRedis({ namespace: 'other' }, module.get(ModuleRef))).rejects.toThrow(
      expect.objectContaining({
        name: 'FastMcpConfigError',
        issues: [
          {
            field: 'dlq.redis.namespace',
            message: 'RedisModule has no connection "other"',
          },
        ],
      }),
    );
  });
});

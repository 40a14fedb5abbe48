import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootDlq,
  type DlqInstance,
  eventsNamed,
  FakeReplayer,
  failedInput,
  TestClock,
} from '../support/dlq/dlq-test-context.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';

let master: RedisServerHandle;
let replica: RedisServerHandle;
let replicaClient: Redis;

beforeAll(async () => {
  master = await startRedisServer();
  replica = await startRedisServer({ args: ['--replicaof', master.host, String(master.port)] });
  replicaClient = new Redis(replica.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  replicaClient.on('error', () => undefined);
}, 30_000);

afterAll(async () => {
  replicaClient?.disconnect();
  await replica?.close();
  await master?.close();
});

const linkUp = async (): Promise<boolean> =>
  /master_link_status:up/.test(await replicaClient.info('replication').catch(() => ''));

describe('dlq.redis.replicas: a store is confirmed only once a replica has it', () => {
  let instance: DlqInstance | undefined;

  afterAll(async () => {
    await instance?.module.close();
  });

  it('keeps a store buffered while no replica answers WAIT, and writes it once when one does', async () => {
    await expect.poll(linkUp, { timeout: 20_000, interval: 200 }).toBe(true);
    instance = await bootDlq(
      {
        redis: { url: master.url, replicas: { count: 1, timeoutMs: 300 } },
        keyPrefix: `dlqreplicas:${process.pid}`,
      },
      new TestClock(),
      new FakeReplayer(),
    );
    const { dlq, events } = instance;
    const replicated = await dlq.store(failedInput());
    expect(eventsNamed(events, 'dlq.store_failed')).toEqual([]);
    expect(await replicaClient.exists(`{dlqreplicas:${process.pid}}:e:${replicated.id}`)).toBe(1);

    await replica.stop();
    const unconfirmed = await dlq.store(failedInput());
    expect(eventsNamed(events, 'dlq.store_failed')).toEqual([
      expect.objectContaining({ outcome: 'buffered' }),
    ]);
    expect(dlq.bufferedCount).toBe(1);
    // The master has it, but that is not enough: it stays buffered through another flush.
    await dlq.flushBuffer().catch(() => undefined);
    expect(dlq.bufferedCount).toBe(1);

    await replica.start();
    await expect.poll(linkUp, { timeout: 20_000, interval: 200 }).toBe(true);
    await expect
      .poll(
        async () => {
          await dlq.flushBuffer().catch(() => undefined);
          return dlq.bufferedCount;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(0);
    const stats = await dlq.getStats();
    expect(stats.total).toBe(2);
    expect(await dlq.get(unconfirmed.id)).toMatchObject({ id: unconfirmed.id, status: 'dead' });
  }, 90_000);
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlqUnavailableError } from '../../libs/fastmcp/src/errors/dlq-unavailable.error.js';
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
let masterClient: Redis;

beforeAll(async () => {
  master = await startRedisServer();
  replica = await startRedisServer({ args: ['--replicaof', master.host, String(master.port)] });
  replicaClient = new Redis(replica.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  replicaClient.on('error', () => undefined);
  masterClient = new Redis(master.url, { maxRetriesPerRequest: 1 });
}, 30_000);

afterAll(async () => {
  masterClient?.disconnect();
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

describe('dlq.redis.replicas: a replay runs only once a replica has its lease', () => {
  let instance: DlqInstance | undefined;

  afterAll(async () => {
    await instance?.module.close();
  });

  it('runs nothing while no replica confirms the lease, gives the entry back, and replays it once one does', async () => {
    await expect.poll(linkUp, { timeout: 20_000, interval: 200 }).toBe(true);
    const prefix = `dlqreplicalease:${process.pid}`;
    const replayer = new FakeReplayer();
    instance = await bootDlq(
      { redis: { url: master.url, replicas: { count: 1, timeoutMs: 300 } }, keyPrefix: prefix },
      new TestClock(),
      replayer,
    );
    const { dlq, replays } = instance;
    const entry = await dlq.store(failedInput());
    const before = await dlq.get(entry.id);

    await replica.stop();
    // A lease only the master has could be lost in a failover, and another instance would then
    // replay the entry while this one runs it.
    const refused = await replays.replay(entry.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DlqUnavailableError);
    expect((refused as Error).message).toContain('WAIT reached 0 of 1 replicas');
    expect(replayer.calls).toEqual([]);
    expect(await dlq.get(entry.id)).toEqual(before);
    expect(await masterClient.exists(`{${prefix}}:lease:${entry.id}`)).toBe(0);

    await replica.start();
    await expect.poll(linkUp, { timeout: 20_000, interval: 200 }).toBe(true);
    await expect(replays.replay(entry.id)).resolves.toMatchObject({ id: entry.id });
    expect(replayer.calls.map((call) => call.id)).toEqual([entry.id]);
    expect(await dlq.get(entry.id)).toBeNull();
  }, 90_000);
});

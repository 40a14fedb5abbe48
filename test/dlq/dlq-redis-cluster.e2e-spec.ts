import { setTimeout as sleep } from 'node:timers/promises';
import { Test } from '@nestjs/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FastMcpModule } from '@app/fastmcp';
import type { FailedOperation } from '../../libs/fastmcp/src/dlq/core/failed-operation.interface.js';
import type { DlqOptions } from '../../libs/fastmcp/src/options/dlq-options.interface.js';
import { dlqContract, type DlqContractTarget } from '../support/dlq/dead-letter-queue.contract.js';
import { dlqAbandonedReplayContract } from '../support/dlq/dlq-abandoned-replay.contract.js';
import { dlqJobCancelContract } from '../support/dlq/dlq-job-cancel.contract.js';
import { dlqOperationsContract } from '../support/dlq/dlq-operations.contract.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { checkIntegrity } from '../support/dlq/dlq-integrity.js';
import {
  bootDlq,
  type DlqInstance,
  eventsNamed,
  FakeReplayer,
  failedInput,
  TestClock,
} from '../support/dlq/dlq-test-context.js';
import {
  moveSlot,
  openSlotMove,
  type RedisClusterHandle,
  rejectedCalls,
  startRedisCluster,
} from '../support/redis-cluster.js';

let cluster: RedisClusterHandle;
let prefixes = 0;
const nextPrefix = (): string => `dlqcluster:${process.pid}:${++prefixes}`;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

const clusterOptions = (): DlqOptions['redis'] => ({ cluster: { nodes: [...cluster.nodes] } });

const target: DlqContractTarget = {
  open: (options, clock, replayer) => {
    const dlq: DlqOptions = { ...options, redis: clusterOptions(), keyPrefix: nextPrefix() };
    return Promise.resolve({
      boot: () => bootDlq(dlq, clock, replayer),
      sweep: (instance) => instance.dlq.sweepExpired(),
    });
  },
};

dlqContract('RedisDlqStorage on a 3-master Redis Cluster', target);
dlqOperationsContract('RedisDlqStorage on a 3-master Redis Cluster', target);
dlqJobCancelContract('RedisDlqStorage on a 3-master Redis Cluster', target);
dlqAbandonedReplayContract('RedisDlqStorage on a 3-master Redis Cluster', target);

/** Runs `work` over `items` with at most `limit` at a time; collects what each one throws. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>) {
  const errors: unknown[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await work(item).catch((error: unknown) => errors.push(error));
      }
    }),
  );
  return errors;
}

describe('the Redis store through a live slot reshard', () => {
  const clock = new TestClock();
  let instances: DlqInstance[] = [];

  afterEach(async () => {
    for (const instance of instances) await instance.module.close();
    instances = [];
  });

  it('refuses nothing, half-applies nothing and loses nothing while its slot moves, twice', async () => {
    const prefix = nextPrefix();
    const replayer = new FakeReplayer();
    replayer.next = async () => {
      await sleep(2);
      return { ok: true, result: 'ok' };
    };
    const options: DlqOptions = { redis: clusterOptions(), keyPrefix: prefix };
    const a = await bootDlq(options, clock, replayer);
    const b = await bootDlq(options, clock, replayer);
    instances.push(a, b);
    const seed = cluster.node(cluster.nodes[0].port);
    const slot = Number(await seed.cluster('KEYSLOT', `{${prefix}}`));

    const expected = new Set<string>();
    const storeOne = async (instance: DlqInstance, i: number): Promise<void> => {
      const entry = await instance.dlq.store(
        failedInput({
          clientId: `client-${i % 5}`,
          errorClass: i % 3 ? 'http_503' : 'timeout',
          operation: i % 4 ? 'call_tool' : 'list_tools',
          priority: (['high', 'normal', 'low'] as const)[i % 3],
        }),
      );
      expected.add(entry.id);
    };
    await pool([...Array(300).keys()], 16, (i) => storeOne(a, i));

    for (const round of [1, 2]) {
      const owner = await cluster.ownerOf(slot);
      const target = cluster.nodes.find((node) => node.port !== owner)!.port;
      const present = [...expected];
      const toDelete = present.slice(0, 60);
      const toReplay = present.slice(60, 120);
      const deleted: string[] = [];
      const replayed: string[] = [];
      const move = moveSlot(cluster, slot, target, { batch: 10, pauseMs: 5 });
      const errors = (
        await Promise.all([
          pool([...Array(150).keys()], 8, (i) => storeOne(i % 2 ? a : b, 1000 * round + i)),
          pool(toDelete, 4, async (id) => {
            if (await b.dlq.delete(id)) deleted.push(id);
          }),
          pool(toReplay, 4, async (id) => {
            await a.replays.replay(id);
            replayed.push(id);
          }),
          move.then(() => []),
        ])
      ).flat();
      expect(errors).toEqual([]);
      expect(await cluster.ownerOf(slot)).toBe(target);
      expect((await move).keys).toBeGreaterThan(300);
      for (const id of [...deleted, ...replayed]) expected.delete(id);
      expect(deleted.sort()).toEqual([...toDelete].sort());
      expect(replayed.sort()).toEqual([...toReplay].sort());

      // Nothing buffered (every store reached Redis), nothing lost, the indexes agree.
      for (const instance of [a, b]) {
        expect(eventsNamed(instance.events, 'dlq.store_failed')).toEqual([]);
        expect(instance.dlq.bufferedCount).toBe(0);
      }
      const { problems, ids } = await checkIntegrity(cluster.node(target), prefix);
      expect(problems).toEqual([]);
      expect(ids).toEqual([...expected].sort());
      const stats = await a.dlq.getStats();
      expect(stats.total).toBe(expected.size);
      const listed: FailedOperation[] = [];
      let cursor: string | undefined;
      do {
        const page = await b.dlq.list({ limit: 100, cursor });
        listed.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(listed.map((entry) => entry.id).sort()).toEqual([...expected].sort());
    }
  }, 60_000);
});

describe('the Redis store while its slot is migrating (no key moved yet)', () => {
  const clock = new TestClock();
  let instances: DlqInstance[] = [];

  afterEach(async () => {
    for (const instance of instances) await instance.module.close();
    instances = [];
  });

  it('removes a replayed entry once the slot settles, however often the cluster refused it', async () => {
    const prefix = nextPrefix();
    const replayer = new FakeReplayer();
    // Few redirections: ioredis gives up on each removal quickly, and the replay sends it again.
    const redis = { cluster: { nodes: [...cluster.nodes], options: { maxRedirections: 3 } } };
    const instance = await bootDlq({ redis, keyPrefix: prefix }, clock, replayer);
    instances.push(instance);
    const slot = Number(
      await cluster.node(cluster.nodes[0].port).cluster('KEYSLOT', `{${prefix}}`),
    );
    const entry = await instance.dlq.store(failedInput());
    let succeed = (): void => undefined;
    replayer.next = () =>
      new Promise((resolve) => (succeed = () => resolve({ ok: true, result: 'done' })));
    let settled = false;
    const replay = instance.replays.replay(entry.id).finally(() => (settled = true));
    await expect.poll(() => replayer.calls.length, { timeout: 20_000 }).toBe(1);

    const move = await openSlotMove(cluster, slot);
    const ports = [move.source, move.target];
    const refusedBefore = await rejectedCalls(cluster, ports, 'evalsha');
    succeed();
    // Far more refusals than one removal's 4 attempts: the removal was sent again and again.
    await expect
      .poll(
        async () =>
          settled || (await rejectedCalls(cluster, ports, 'evalsha')) > refusedBefore + 20,
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    await move.settle();

    await expect(replay).resolves.toEqual({ id: entry.id, result: 'done' });
    expect(await instance.dlq.get(entry.id)).toBeNull();
    expect(replayer.calls).toHaveLength(1);
  }, 60_000);
});

describe("the Redis store while its slot is migrating, on the module's cluster options", () => {
  const clock = new TestClock();
  let instance: DlqInstance | undefined;

  afterEach(async () => {
    await instance?.module.close();
    instance = undefined;
  });

  it('answers getStats, and holds a delete past many refusals until the slot settles', async () => {
    const prefix = nextPrefix();
    // A long command timeout: the delete below must end on the slot settling, not on a deadline.
    const options = { redisOptions: { commandTimeout: 60_000 } };
    const redis = { cluster: { nodes: [...cluster.nodes], options } };
    instance = await bootDlq({ redis, keyPrefix: prefix }, clock, new FakeReplayer());
    const slot = Number(
      await cluster.node(cluster.nodes[0].port).cluster('KEYSLOT', `{${prefix}}`),
    );
    const kept = await instance.dlq.store(failedInput({ operation: 'list_tools' }));
    const doomed = await instance.dlq.store(failedInput());

    const move = await openSlotMove(cluster, slot);
    const ports = [move.source, move.target];
    try {
      await expect(instance.dlq.getStats()).resolves.toMatchObject({
        total: 2,
        byOperation: { list_tools: 1, call_tool: 1 },
      });
      const refusedBefore = await rejectedCalls(cluster, ports, 'evalsha');
      let settled = false;
      const deleted = instance.dlq.delete(doomed.id).finally(() => (settled = true));
      // Well past the 50 redirections ioredis was allowed before.
      const refused = async () =>
        settled || (await rejectedCalls(cluster, ports, 'evalsha')) > refusedBefore + 150;
      await expect.poll(refused, { timeout: 50_000, interval: 200 }).toBe(true);
      await move.settle();
      await expect(deleted).resolves.toBe(true);
    } finally {
      await move.settle();
    }
    expect(await instance.dlq.get(doomed.id)).toBeNull();
    expect(await instance.dlq.get(kept.id)).not.toBeNull();
  }, 90_000);
});

describe('the eviction policy of the cluster the DLQ starts on', () => {
  it('warns at start when one master evicts, naming its policy', async () => {
    const { port } = cluster.nodes[1];
    await cluster.node(port).config('SET', 'maxmemory-policy', 'allkeys-lfu');
    const logger = new CapturingLogger();
    const module = await Test.createTestingModule({
      imports: [
        FastMcpModule.forRoot({
          metrics: false,
          dlq: { spillFile: false, redis: clusterOptions(), keyPrefix: nextPrefix() },
        }),
      ],
    })
      .setLogger(logger)
      .compile();
    try {
      await module.init();
      const warnings = logger.lines.filter((line) => line.level === 'warn');
      expect(warnings.map((line) => line.message)).toEqual([
        expect.stringContaining(
          'the Redis of dlq.redis.cluster runs with maxmemory-policy allkeys-lfu',
        ),
      ]);
    } finally {
      await module.close();
      await cluster.node(port).config('SET', 'maxmemory-policy', 'noeviction');
    }
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DlqOptions } from '../../libs/fastmcp/src/options/dlq-options.interface.js';
import { checkIntegrity } from '../support/dlq/dlq-integrity.js';
import {
  bootDlq,
  eventsNamed,
  FakeReplayer,
  failedInput,
  TestClock,
} from '../support/dlq/dlq-test-context.js';
import { type RedisClusterHandle, startRedisCluster } from '../support/redis-cluster.js';
import { isDlqUnavailableError } from '../../libs/fastmcp/src/errors/dlq-unavailable.error.js';

let cluster: RedisClusterHandle;
/** Longer than the store's command timeout (6 s): without one, the read waits it out and succeeds. */
const PAUSE_MS = 12_000;

beforeAll(async () => {
  // One replica per master. The node timeout (3 s) is longer than the DLQ's write timeout (2 s),
  // so a store made right after the master dies cannot wait for the failover: it is buffered.
  cluster = await startRedisCluster(3, { replicas: 1, nodeTimeoutMs: 3000 });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

/** The replication role of a node, as its INFO says. */
async function replication(port: number): Promise<Record<string, string>> {
  const info = await cluster.node(port).info('replication');
  return Object.fromEntries(
    info
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => line.split(':', 2) as [string, string]),
  );
}

// First, while every node runs: once a master is killed, a node may still name it the owner.
describe('the Redis store when a node of its slot stops answering', () => {
  it('fails a read with DlqUnavailableError rather than wait as long as the node stays paused', async () => {
    const prefix = `dlqpaused:${process.pid}`;
    const options: DlqOptions = {
      redis: { cluster: { nodes: [...cluster.nodes] } },
      keyPrefix: prefix,
    };
    const a = await bootDlq(options, new TestClock(), new FakeReplayer());
    try {
      const entry = await a.dlq.store(failedInput({ clientId: 'paused' }));
      const slot = Number(await cluster.client().cluster('KEYSLOT', `{${prefix}}`));
      const owner = await cluster.ownerOf(slot);
      // The node keeps its sockets open and answers nothing: a paused process, a cut-off host.
      await cluster.node(owner).call('CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL');
      await expect(a.dlq.get(entry.id)).rejects.toSatisfy(isDlqUnavailableError);
      await vi.waitFor(async () => expect((await a.dlq.get(entry.id))?.id).toBe(entry.id), {
        timeout: PAUSE_MS + 10_000,
        interval: 500,
      });
    } finally {
      await a.module.close();
    }
  }, 60_000);
});

describe('the Redis store when the master of its slot dies', () => {
  it('buffers the stores made while it is down and writes each once after the failover', async () => {
    const prefix = `dlqfailover:${process.pid}`;
    const options: DlqOptions = {
      redis: { cluster: { nodes: [...cluster.nodes] } },
      keyPrefix: prefix,
    };
    const a = await bootDlq(options, new TestClock(), new FakeReplayer());
    try {
      const slot = Number(
        await cluster.node(cluster.nodes[0].port).cluster('KEYSLOT', `{${prefix}}`),
      );
      const expected = new Set<string>();
      const storeOne = async (i: number): Promise<void> => {
        const entry = await a.dlq.store(
          failedInput({ clientId: `client-${i % 4}`, errorClass: i % 2 ? 'http_503' : 'timeout' }),
        );
        expected.add(entry.id);
      };
      for (let i = 0; i < 40; i++) await storeOne(i);

      const owner = await cluster.ownerOf(slot);
      const replica = (
        await Promise.all(
          cluster.nodes.map(async ({ port }) => ({ port, info: await replication(port) })),
        )
      ).find(({ info }) => info.role === 'slave' && Number(info.master_port) === owner);
      expect(replica).toBeDefined();
      // What the master acknowledged has reached its replica before it dies.
      const offset = Number((await replication(owner)).master_repl_offset);
      await vi.waitFor(
        async () =>
          expect(
            Number((await replication(replica!.port)).slave_repl_offset),
          ).toBeGreaterThanOrEqual(offset),
        { timeout: 10_000, interval: 50 },
      );
      const killed = cluster.servers.find((server) => server.port === owner)!;
      await killed.stop();

      for (let i = 40; i < 70; i++) await storeOne(i);
      // The first of these outlived the write timeout and were buffered (later ones may not be).
      const buffered = eventsNamed(a.events, 'dlq.store_failed').filter(
        (event) => event.outcome === 'buffered',
      );
      expect(buffered.length).toBeGreaterThan(0);

      await vi.waitFor(() => expect(a.dlq.bufferedCount).toBe(0), {
        timeout: 30_000,
        interval: 100,
      });
      // The replica is the master now (asked of it: the node `ownerOf` asks may be the dead one).
      expect((await replication(replica!.port)).role).toBe('master');
      // Each entry written once, the buffered ones too: one dlq.stored per id, none missing.
      const stored = eventsNamed(a.events, 'dlq.stored').map((event) => event.id);
      expect(stored.sort()).toEqual([...expected].sort());
      expect(
        eventsNamed(a.events, 'dlq.store_failed').filter((e) => e.outcome !== 'buffered'),
      ).toEqual([]);
      const { problems, ids } = await checkIntegrity(cluster.node(replica!.port), prefix);
      expect(problems).toEqual([]);
      expect(ids).toEqual([...expected].sort());
      expect((await a.dlq.getStats()).total).toBe(70);
    } finally {
      await a.module.close();
    }
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { findFreePort } from './free-port.js';
import { type RedisServerHandle, redisServerBinary, startRedisServer } from './redis-server.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 20_000;

/** A real Redis Cluster of `redis-server` processes on 127.0.0.1. */
export interface RedisClusterHandle {
  readonly nodes: ReadonlyArray<{ host: string; port: number }>;
  readonly servers: readonly RedisServerHandle[];
  /** A direct connection to the node listening on `port` (closed by `close()`). */
  node(port: number): Redis;
  /** The port of the master that serves `slot` now. */
  ownerOf(slot: number): Promise<number>;
  /** A cluster client for test checks (closed by `close()`). */
  client(): Cluster;
  /** Stops every node and removes their directories. Idempotent. */
  close(): Promise<void>;
}

/** Path of redis-cli, next to redis-server: `$REDIS_CLI_BIN`, else /usr/bin/redis-cli. */
export function redisCliBinary(): string {
  return process.env.REDIS_CLI_BIN ?? redisServerBinary().replace(/redis-server$/, 'redis-cli');
}

export interface RedisClusterSetup {
  /** Replicas per master (a replica takes over when its master dies). Default 0. */
  replicas?: number;
  /** `cluster-node-timeout`: how long a silent node takes to be failed over, in ms. Default 5000. */
  nodeTimeoutMs?: number;
}

/**
 * Starts `masters` cluster-enabled servers (no persistence), and `replicas` per master, each with
 * its own free port and bus port, joins them with `redis-cli --cluster create` and waits until
 * every node says `ok`.
 */
export async function startRedisCluster(
  masters = 3,
  { replicas = 0, nodeTimeoutMs = 5000 }: RedisClusterSetup = {},
): Promise<RedisClusterHandle> {
  const servers: RedisServerHandle[] = [];
  const connections = new Map<number, Redis>();
  const clients: Cluster[] = [];
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const client of clients) client.disconnect();
      for (const connection of connections.values()) connection.disconnect();
      await Promise.all(servers.map((server) => server.close()));
    })());
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const busPort = await findFreePort(HOST);
      const args = [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-port',
        String(busPort),
        '--cluster-node-timeout',
        String(nodeTimeoutMs),
      ];
      servers.push(await startRedisServer({ args }));
    }
    const addresses = servers.map((server) => `${HOST}:${server.port}`);
    await run(redisCliBinary(), [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    const node = (port: number): Redis => {
      let connection = connections.get(port);
      if (!connection) {
        connection = new Redis({ host: HOST, port, maxRetriesPerRequest: 1 });
        connection.on('error', () => undefined);
        connections.set(port, connection);
      }
      return connection;
    };
    await waitUntilStable(servers.map((server) => node(server.port)));
    return {
      nodes: servers.map((server) => ({ host: HOST, port: server.port })),
      servers,
      node,
      ownerOf: async (slot) => ownerOf(node(servers[0].port), slot),
      client: () => {
        const client = new Cluster([{ host: HOST, port: servers[0].port }], {
          retryDelayOnTryAgain: 50,
          maxRedirections: 100,
        });
        client.on('error', () => undefined);
        clients.push(client);
        return client;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until every node reports `cluster_state:ok` and knows all slots. */
async function waitUntilStable(nodes: readonly Redis[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const infos = await Promise.all(nodes.map((n) => n.cluster('INFO')));
    if (infos.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info)))
      return;
    if (Date.now() > deadline) throw new Error(`Redis Cluster not stable: ${infos.join(' | ')}`);
    await sleep(100);
  }
}

async function ownerOf(node: Redis, slot: number): Promise<number> {
  const shards = await node.cluster('SLOTS');
  const range = shards.find(([from, to]) => slot >= from && slot <= to);
  const master = range?.[2];
  if (!master) throw new Error(`no node serves slot ${slot}`);
  return Number(master[1]);
}

/**
 * Opens a move of `slot` to another master without moving a key (IMPORTING on the target,
 * MIGRATING on the source, as a reshard's first step). `settle()` makes the slot STABLE again on
 * both: the move is given up, its keys stay on the source.
 */
export async function openSlotMove(
  cluster: RedisClusterHandle,
  slot: number,
): Promise<{ source: number; target: number; settle(): Promise<void> }> {
  const source = await cluster.ownerOf(slot);
  const target = cluster.nodes.find((node) => node.port !== source)!.port;
  const sourceId = String(await cluster.node(source).cluster('MYID'));
  const targetId = String(await cluster.node(target).cluster('MYID'));
  await cluster.node(target).cluster('SETSLOT', slot, 'IMPORTING', sourceId);
  await cluster.node(source).cluster('SETSLOT', slot, 'MIGRATING', targetId);
  const settle = async (): Promise<void> => {
    for (const port of [source, target])
      await cluster.node(port).cluster('SETSLOT', slot, 'STABLE');
  };
  return { source, target, settle };
}

/** How many `command` calls the nodes on `ports` refused (a redirection, TRYAGAIN) so far. */
export async function rejectedCalls(
  cluster: RedisClusterHandle,
  ports: readonly number[],
  command: string,
): Promise<number> {
  let total = 0;
  for (const port of ports) {
    const stats = await cluster.node(port).info('commandstats');
    const line = new RegExp(`^cmdstat_${command}:.*rejected_calls=(\\d+)`, 'm').exec(stats);
    total += Number(line?.[1] ?? 0);
  }
  return total;
}

export interface SlotMove {
  /** Keys moved per MIGRATE. Default 10. */
  batch?: number;
  /** Pause between batches, so traffic meets the slot half-moved. Default 0. */
  pauseMs?: number;
}

/**
 * Moves one slot between masters as `redis-cli --cluster reshard` does: IMPORTING on the target,
 * MIGRATING on the source, MIGRATE the keys in batches, then SETSLOT NODE on every master.
 * Throws what MIGRATE throws (a BUSYKEY would leave the slot open, and fail the test).
 */
export async function moveSlot(
  cluster: RedisClusterHandle,
  slot: number,
  toPort: number,
  options: SlotMove = {},
): Promise<{ keys: number }> {
  const fromPort = await cluster.ownerOf(slot);
  if (fromPort === toPort) return { keys: 0 };
  const source = cluster.node(fromPort);
  const target = cluster.node(toPort);
  const sourceId = String(await source.cluster('MYID'));
  const targetId = String(await target.cluster('MYID'));
  await target.cluster('SETSLOT', slot, 'IMPORTING', sourceId);
  await source.cluster('SETSLOT', slot, 'MIGRATING', targetId);
  let moved = 0;
  for (;;) {
    const keys = await source.cluster('GETKEYSINSLOT', slot, options.batch ?? 10);
    if (keys.length === 0) break;
    await source.migrate(HOST, toPort, '', 0, 5000, 'KEYS', ...keys);
    moved += keys.length;
    if (options.pauseMs) await sleep(options.pauseMs);
  }
  for (const server of cluster.servers) {
    await cluster.node(server.port).cluster('SETSLOT', slot, 'NODE', targetId);
  }
  return { keys: moved };
}

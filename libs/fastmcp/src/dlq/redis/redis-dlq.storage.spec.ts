import { RedisModule } from '@liaoliaots/nestjs-redis';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  dlqContract,
  type DlqContractTarget,
} from '../../../../../test/support/dlq/dead-letter-queue.contract.js';
import { dlqAbandonedReplayContract } from '../../../../../test/support/dlq/dlq-abandoned-replay.contract.js';
import { dlqJobCancelContract } from '../../../../../test/support/dlq/dlq-job-cancel.contract.js';
import { dlqOperationsContract } from '../../../../../test/support/dlq/dlq-operations.contract.js';
import { keysOf as keysOfPrefix } from '../../../../../test/support/dlq/dlq-integrity.js';
import {
  bootDlq,
  type DlqInstance,
  eventsNamed,
  FakeReplayer,
  failedInput,
  TestClock,
} from '../../../../../test/support/dlq/dlq-test-context.js';
import {
  type RedisServerHandle,
  startRedisServer,
} from '../../../../../test/support/redis-server.js';
import { isDlqUnavailableError } from '../../errors/dlq-unavailable.error.js';
import { FastMcpEvents } from '../../events/fastmcp-events.service.js';
import type { DlqOptions } from '../../options/dlq-options.interface.js';
import { DeadLetterQueueService } from '../core/dead-letter-queue.service.js';
import { DlqIdGenerator } from '../core/dlq-id.js';
import type { FailedOperation } from '../core/failed-operation.interface.js';
import { RedisDlqKeys } from './redis-dlq.keys.js';
import { DLQ_SCRIPTS } from './redis-dlq.scripts.js';
import { RedisDlqRepository } from './redis-dlq.repository.js';

const NO_DEDUP = { dueAt: 0, dedupKey: '-', dedupWindowMs: 0 };

let server: RedisServerHandle;
let admin: Redis;
let prefixes = 0;
const nextPrefix = (): string => `dlqtest:${process.pid}:${++prefixes}`;

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
});

afterAll(async () => {
  await admin.quit();
  await server.close();
});

const target: DlqContractTarget = {
  open: (options, clock, replayer) => {
    const dlq: DlqOptions = { ...options, redis: { url: server.url }, keyPrefix: nextPrefix() };
    return Promise.resolve({
      boot: () => bootDlq(dlq, clock, replayer),
      sweep: (instance) => instance.dlq.sweepExpired(),
    });
  },
};

dlqContract('RedisDlqStorage', target);
dlqOperationsContract('RedisDlqStorage', target);
dlqJobCancelContract('RedisDlqStorage', target);
dlqAbandonedReplayContract('RedisDlqStorage', target);

/** Every key of a prefix on the test server. */
const keysOf = (prefix: string): Promise<string[]> => keysOfPrefix(admin, prefix);

/** Keys of a prefix but the dedup keys, which expire on their own after the dedup window. */
async function lastingKeys(prefix: string): Promise<string[]> {
  const lasting: string[] = [];
  for (const key of await keysOf(prefix)) {
    if (!key.includes(':dedup:') || (await admin.pttl(key)) <= 0) lasting.push(key);
  }
  return lasting;
}

/** Index members whose entry key is missing, across every sorted set and the meta hash. */
async function danglingMembers(prefix: string): Promise<string[]> {
  const keys = new RedisDlqKeys(prefix);
  const dangling: string[] = [];
  for (const key of await keysOf(prefix)) {
    const type = await admin.type(key);
    const ids =
      type === 'zset'
        ? await admin.zrange(key, 0, -1)
        : key === keys.meta
          ? await admin.hkeys(key)
          : [];
    for (const id of ids) if (!(await admin.exists(keys.entry(id)))) dangling.push(`${key} ${id}`);
  }
  return dangling;
}

describe('RedisDlqStorage on Redis', () => {
  const clock = new TestClock();
  const replayer = new FakeReplayer();
  let instances: DlqInstance[] = [];

  async function boot(
    dlq: DlqOptions,
    imports = [] as Parameters<typeof bootDlq>[3],
  ): Promise<DlqInstance> {
    const instance = await bootDlq(dlq, clock, replayer, imports);
    instances.push(instance);
    return instance;
  }

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const instance of instances) await instance.module.close();
    instances = [];
  });

  it('finishes a bulk replay job on a second instance when the first stops half-way, each entry once', async () => {
    const options = { redis: { url: server.url }, keyPrefix: nextPrefix() };
    const own = new FakeReplayer();
    const a = await bootDlq(options, clock, own);
    const b = await boot(options);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await a.dlq.store(failedInput())).id);
    // The third replay is held until the instance has begun to stop: it stops half-way.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    own.next = async () => {
      if (own.calls.length === 3) await held;
      return { ok: true, result: 'ok' };
    };
    const job = await a.jobs.start({ concurrency: 1, ratePerSecond: 1000 });
    await vi.waitFor(() => expect(own.calls).toHaveLength(3));
    // The instance stops: its run ends after the replay in flight and its lease goes.
    const closing = a.module.close();
    // Let the stop reach the job first; close waits for the held replay either way.
    setTimeout(release, 50);
    await closing;
    expect(own.calls).toHaveLength(3);
    const half = (await b.jobs.get(job.id))!;
    expect(half.state).toBe('running');
    expect(half.done).toBeGreaterThanOrEqual(2);
    expect(half.done).toBeLessThan(6);
    expect(await b.jobs.resumeOrphans()).toBe(1);
    await b.jobs.settled(job.id);
    expect(await b.jobs.get(job.id)).toMatchObject({ state: 'done', done: 6, succeeded: 6 });
    const replayed = [...own.calls, ...replayer.calls].map((entry) => entry.id);
    expect(replayed.sort()).toEqual([...ids].sort());
    expect((await b.dlq.getStats()).total).toBe(0);
  });

  it('gives a job snapshot its life from the first id pushed: a start that fails before the record leaves no list for good', async () => {
    const prefix = nextPrefix();
    const a = await boot({ redis: { url: server.url }, keyPrefix: prefix });
    for (let i = 0; i < 3; i++) await a.dlq.store(failedInput());
    // The injected fault: the store goes away between the snapshot and the job's record.
    vi.spyOn(DLQ_SCRIPTS.saveJob, 'run').mockRejectedValueOnce(new Error('connection lost'));
    await expect(a.jobs.start({})).rejects.toThrow();
    const snapshots = await admin.keys(`{${prefix}}:job:*`);
    expect(snapshots).toHaveLength(1);
    expect(await admin.llen(snapshots[0])).toBe(3);
    expect(await admin.pttl(snapshots[0])).toBeGreaterThan(0);
  });

  it('keeps every key under one {prefix} hash tag and no dangling index member after TTL expiry', async () => {
    const prefix = nextPrefix();
    const { dlq } = await boot({
      redis: { url: server.url },
      keyPrefix: prefix,
      ttlMs: 1000,
    });
    for (let i = 0; i < 6; i++) {
      await dlq.store(
        failedInput({ clientId: `c${i % 3}`, operation: i % 2 ? 'connect' : 'call_tool' }),
      );
    }
    expect((await keysOf(prefix)).every((key) => key.startsWith(`{${prefix}}:`))).toBe(true);
    clock.advance(1500);
    const fresh = await dlq.store(failedInput({ clientId: 'fresh' }));
    expect(await dlq.sweepExpired()).toBe(6);
    expect(await danglingMembers(prefix)).toEqual([]);
    expect(await admin.zrange(`{${prefix}}:all`, 0, -1)).toEqual([fresh.id]);
    expect(await admin.zrange(`{${prefix}}:exp`, 0, -1)).toEqual([fresh.id]);
    clock.advance(1500);
    expect(await dlq.sweepExpired()).toBe(1);
    expect(await lastingKeys(prefix)).toEqual([]);
  });

  it('sweeps more expired entries than one batch, 500 per atomic script call', async () => {
    const prefix = nextPrefix();
    const { dlq, events } = await boot({
      redis: { url: server.url },
      keyPrefix: prefix,
      ttlMs: 1000,
    });
    for (let i = 0; i < 1203; i++) await dlq.store(failedInput({ clientId: `c${i % 7}` }));
    clock.advance(2000);
    expect(await dlq.sweepExpired()).toBe(1203);
    expect(eventsNamed(events, 'dlq.evicted').map((e) => e.count)).toEqual([500, 500, 203]);
    expect(await lastingKeys(prefix)).toEqual([]);
  });

  it('skips an entry whose value is not JSON, reports its key once and returns the rest', async () => {
    const prefix = nextPrefix();
    const { dlq, module } = await boot({ redis: { url: server.url }, keyPrefix: prefix });
    const corrupt: string[] = [];
    module.get(FastMcpEvents).on('dlq.corrupt_entry', (event) => corrupt.push(event.key));
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const [a, b, c] = [
      await dlq.store(failedInput()),
      await dlq.store(failedInput()),
      await dlq.store(failedInput()),
    ];
    const key = new RedisDlqKeys(prefix).entry(b.id);
    await admin.set(key, '{"id": not json');
    for (let read = 0; read < 2; read++) {
      expect((await dlq.list()).items.map((e) => e.id)).toEqual([c.id, a.id]);
      expect((await dlq.getByClientId('github')).items.map((e) => e.id)).toEqual([c.id, a.id]);
      expect((await dlq.list({ limit: 1 })).items.map((e) => e.id)).toEqual([c.id]);
    }
    expect(await dlq.get(b.id)).toBeNull();
    expect(corrupt).toEqual([key]);
    const lines = warn.mock.calls.map(([message]) => String(message));
    expect(lines.filter((line) => line.includes(key))).toEqual([
      `Skipped a corrupt DLQ entry (its value is not JSON): ${key}`,
    ]);
    // Kept for an operator to look at: a read never deletes it.
    expect(await admin.get(key)).toBe('{"id": not json');
  });

  it('keeps a failure apart, stored at once, when the entry it would fold into is not JSON', async () => {
    const prefix = nextPrefix();
    const { dlq } = await boot({ redis: { url: server.url }, keyPrefix: prefix });
    const same = () => failedInput({ arguments: { query: 'same' } });
    const first = await dlq.store(same());
    await admin.set(new RedisDlqKeys(prefix).entry(first.id), '{"id": not json');
    const again = await dlq.store(same());
    expect(again.id).not.toBe(first.id);
    expect(dlq.bufferedCount).toBe(0);
    expect((await dlq.list()).items).toEqual([again]);
  });

  it('heals ids whose entry vanished when a read meets them', async () => {
    const prefix = nextPrefix();
    const { dlq } = await boot({ redis: { url: server.url }, keyPrefix: prefix });
    const [a, b, c] = [
      await dlq.store(failedInput()),
      await dlq.store(failedInput()),
      await dlq.store(failedInput()),
    ];
    await admin.del(new RedisDlqKeys(prefix).entry(b.id));
    expect((await dlq.getByClientId('github')).items.map((e) => e.id)).toEqual([c.id, a.id]);
    expect(await danglingMembers(prefix)).toEqual([]);
    expect(await dlq.getStats()).toMatchObject({ total: 2, byClientId: { github: 2 } });
  });

  it('stores idempotently by id, so a retried write never duplicates', async () => {
    const prefix = nextPrefix();
    const { dlq } = await boot({ redis: { url: server.url }, keyPrefix: prefix });
    const entry = await dlq.store(failedInput());
    const repository = new RedisDlqRepository(admin, new RedisDlqKeys(prefix));
    expect(await repository.insert(entry, NO_DEDUP)).toMatchObject({ kind: 'known' });
    expect(await dlq.getStats()).toMatchObject({ total: 1, byClientId: { github: 1 } });
  });

  it('sends stores that arrive together as one script run, each decided as if it ran alone', async () => {
    const prefix = nextPrefix();
    const { dlq } = await boot({ redis: { url: server.url }, keyPrefix: prefix });
    const known = await dlq.store(failedInput());
    const deleted = await dlq.store(failedInput());
    await dlq.delete(deleted.id);
    const ids = new DlqIdGenerator();
    const fresh = (clientId: string): FailedOperation => ({
      ...known,
      id: ids.next(clock.now()),
      clientId,
    });
    const dedup = (key: string) => ({ dueAt: 0, dedupKey: key, dedupWindowMs: 60_000 });
    const redis = new Redis(server.url);
    const scriptRuns = vi.spyOn(redis, 'evalsha');
    try {
      const repository = new RedisDlqRepository(redis, new RedisDlqKeys(prefix));
      const apart = Array.from({ length: 12 }, (_, i) => fresh(`c${i % 3}`));
      const twins = [fresh('twin'), fresh('twin')];
      const replies = await Promise.all([
        ...apart.map((entry, i) => repository.insert(entry, dedup(`apart-${i}`))),
        ...twins.map((entry) => repository.insert(entry, dedup('twin'))),
        repository.insert(known, NO_DEDUP),
        repository.insert(deleted, NO_DEDUP),
      ]);

      expect(scriptRuns.mock.calls.length).toBeLessThan(replies.length / 2);
      expect(replies.slice(0, 12).map((r) => r.kind)).toEqual(Array(12).fill('stored'));
      expect(replies[12]).toMatchObject({ kind: 'stored' });
      expect(replies[13]).toEqual({ kind: 'duplicate', id: twins[0].id });
      expect(replies.slice(14).map((r) => r.kind)).toEqual(['known', 'known']);
      expect(replies[15]).toMatchObject({ total: 14 });
      expect(await danglingMembers(prefix)).toEqual([]);
      expect(await dlq.getStats()).toMatchObject({
        total: 14,
        byClientId: { github: 1, c0: 4, c1: 4, c2: 4, twin: 1 },
      });
      expect(await dlq.get(deleted.id)).toBeNull();
    } finally {
      await redis.quit();
    }
  });

  it('closes its connection only once the stores already on their way are written', async () => {
    const prefix = nextPrefix();
    const { module, dlq, events } = await bootDlq(
      { redis: { url: server.url }, keyPrefix: prefix },
      clock,
      replayer,
    );
    const lost = vi.spyOn(Logger.prototype, 'error');
    const stores = Array.from({ length: 300 }, () => dlq.store(failedInput()));
    await module.close();
    const entries = await Promise.all(stores);

    expect(lost).not.toHaveBeenCalled();
    expect(eventsNamed(events, 'dlq.stored')).toHaveLength(300);
    const all = await admin.zrange(`{${prefix}}:all`, 0, -1);
    expect(all.sort()).toEqual(entries.map((entry) => entry.id).sort());
  });

  it('never brings back a deleted entry when a late retry of its write arrives', async () => {
    const prefix = nextPrefix();
    const { dlq } = await boot({ redis: { url: server.url }, keyPrefix: prefix });
    const entry = await dlq.store(failedInput());
    await dlq.delete(entry.id);
    const repository = new RedisDlqRepository(admin, new RedisDlqKeys(prefix));
    expect(await repository.insert(entry, NO_DEDUP)).toMatchObject({ kind: 'known' });
    expect(await dlq.get(entry.id)).toBeNull();
    expect(await dlq.getStats()).toMatchObject({ total: 0 });
  });

  it('buffers a store while Redis is down and writes it exactly once when Redis is back', async () => {
    const own = await startRedisServer();
    try {
      const { dlq, events } = await boot({
        redis: { url: own.url },
        keyPrefix: nextPrefix(),
      });
      await own.stop();
      const started = Date.now();
      const entry = await dlq.store(failedInput());
      expect(Date.now() - started).toBeLessThan(2500);
      expect(eventsNamed(events, 'dlq.store_failed')).toEqual([
        expect.objectContaining({ outcome: 'buffered', clientId: 'github' }),
      ]);
      const read = await dlq.get(entry.id).catch((e: unknown) => e);
      expect(isDlqUnavailableError(read)).toBe(true);
      expect(dlq.bufferedCount).toBe(1);
      await own.start();
      await vi.waitFor(() => expect(eventsNamed(events, 'dlq.flushed')).toEqual([{ count: 1 }]), {
        timeout: 15_000,
        interval: 100,
      });
      expect(await dlq.get(entry.id)).toEqual(entry);
      expect((await dlq.getStats()).total).toBe(1);
      expect(eventsNamed(events, 'dlq.stored').map((e) => e.id)).toEqual([entry.id]);
    } finally {
      for (const instance of instances.splice(0)) await instance.module.close();
      await own.close();
    }
  });

  it('an import cut short by Redis going away says how far it got; the same file again ends it', async () => {
    const source = await boot({ redis: { url: server.url }, keyPrefix: nextPrefix() });
    for (let i = 0; i < 4; i++) await source.dlq.store(failedInput({ clientId: `c${i}` }));
    const exported: FailedOperation[] = [];
    for await (const entry of source.dlq.export()) exported.push(entry);
    const own = await startRedisServer({ persistent: true });
    try {
      const { dlq } = await boot({ redis: { url: own.url }, keyPrefix: nextPrefix() });
      async function* cutAfterTwo() {
        for (const [i, entry] of exported.entries()) {
          if (i === 2) await own.stop();
          yield entry;
        }
      }
      const failure = await dlq.import(cutAfterTwo()).catch((error: unknown) => error);
      expect(isDlqUnavailableError(failure)).toBe(true);
      expect((failure as Error).message).toContain('2 imported and 0 skipped before');
      expect((failure as Error).message).toContain('importing the same entries again');

      await own.start();
      await vi.waitFor(() => dlq.getStats(), { timeout: 10_000, interval: 100 });
      expect(await dlq.import(exported)).toMatchObject({ imported: 2, skipped: 2 });
      expect((await dlq.getStats()).total).toBe(4);
    } finally {
      for (const instance of instances.splice(0)) await instance.module.close();
      await own.close();
    }
  });

  it('logs entries as full JSON at ERROR when the buffer is full or the app stops unwritten', async () => {
    const own = await startRedisServer();
    try {
      const error = vi.spyOn(Logger.prototype, 'error');
      const instance = await bootDlq(
        { redis: { url: own.url }, keyPrefix: nextPrefix(), bufferSize: 1 },
        clock,
        replayer,
      );
      await own.stop();
      const buffered = await instance.dlq.store(failedInput());
      const overflow = await instance.dlq.store(failedInput());
      await instance.module.close();
      const lost = eventsNamed(instance.events, 'dlq.store_failed').map((e) => [
        e.outcome,
        e.firstWrite,
      ]);
      expect(lost).toEqual([
        ['buffered', true],
        ['lost_to_log', true],
        ['lost_to_log', false],
      ]);
      const logged = error.mock.calls.map((call) => String(call[0]));
      expect(logged.some((line) => line.includes(JSON.stringify(overflow)))).toBe(true);
      expect(logged.some((line) => line.includes(JSON.stringify(buffered)))).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('closes a connection it opened (idempotently) but not one it was given', async () => {
    const clients = async (): Promise<number> =>
      String(await admin.client('LIST'))
        .trim()
        .split('\n').length;
    const before = await clients();
    const owned = await bootDlq(
      { redis: { url: server.url }, keyPrefix: nextPrefix() },
      clock,
      replayer,
    );
    expect(await clients()).toBe(before + 1);
    await owned.module.close();
    await owned.module.get(DeadLetterQueueService).onApplicationShutdown();
    expect(await clients()).toBe(before);

    const given = new Redis(server.url);
    const borrowed = await bootDlq(
      { redis: { client: given }, keyPrefix: nextPrefix() },
      clock,
      replayer,
    );
    await borrowed.dlq.store(failedInput());
    await borrowed.module.close();
    expect(given.status).toBe('ready');
    await given.quit();
  });

  it('uses the @liaoliaots/nestjs-redis connection of a namespace', async () => {
    const prefix = nextPrefix();
    const { module } = await boot({ redis: { namespace: 'default' }, keyPrefix: prefix }, [
      RedisModule.forRoot({ config: { url: server.url } }),
    ]);
    const dlq = module.get(DeadLetterQueueService);
    const entry = await dlq.store(failedInput());
    expect(await admin.exists(new RedisDlqKeys(prefix).entry(entry.id))).toBe(1);
  });
});

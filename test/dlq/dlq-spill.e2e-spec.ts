// Issue 12, item 6: buffered dead letters survive a shutdown while Redis is down. Each is logged
// by id at WARN when buffered; shutdown spills them to a file (no secrets in it); the next start
// imports them into the store and removes the file.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bootDlq,
  type DlqInstance,
  FakeReplayer,
  failedInput,
  TestClock,
} from '../support/dlq/dlq-test-context.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';
import { DlqSpillFile } from '../../libs/fastmcp/src/dlq/core/dlq-spill-file.js';
import type { FailedOperation } from '../../libs/fastmcp/src/dlq/core/failed-operation.interface.js';
import { DeadLetterQueueService } from '../../libs/fastmcp/src/dlq/core/dead-letter-queue.service.js';
import { DlqRedriver } from '../../libs/fastmcp/src/dlq/replay/dlq-redriver.service.js';
import { DLQ_TOMBSTONE_MS } from '../../libs/fastmcp/src/dlq/core/dlq.constants.js';
import type { DlqStorage } from '../../libs/fastmcp/src/dlq/core/dlq-storage.interface.js';
import { DLQ_STORAGE } from '../../libs/fastmcp/src/dlq/core/dlq-storage.token.js';
import { RedisDlqKeys } from '../../libs/fastmcp/src/dlq/redis/redis-dlq.keys.js';
import { isReplayConflictError } from '../../libs/fastmcp/src/errors/replay-conflict.error.js';

const clock = new TestClock();
const replayer = new FakeReplayer();

describe('DLQ spill file', () => {
  let redis: RedisServerHandle;
  let dir: string;
  let spillFile: string;
  const open: DlqInstance[] = [];
  const boot = async (store: 'redis' | 'memory'): Promise<DlqInstance> => {
    const instance = await bootDlq(
      store === 'redis'
        ? { redis: { url: redis.url }, keyPrefix: 'spilltest', spillFile }
        : { store: 'memory', spillFile },
      clock,
      replayer,
    );
    open.push(instance);
    return instance;
  };
  const spilledIds = (): string[] =>
    readFileSync(spillFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as FailedOperation).id);

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), 'dlq-spill-'));
    spillFile = join(dir, 'spill.jsonl');
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const instance of open.splice(0)) await instance.module.close();
    rmSync(spillFile, { force: true });
    await redis.start();
  });
  afterAll(async () => {
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Three entries buffered while Redis is down, and the WARN lines of that moment. */
  const bufferThree = async (): Promise<{ ids: string[]; warnings: string[] }> => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const first = await boot('redis');
    await redis.stop();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await first.dlq.store(failedInput())).id);
    const warnings = warn.mock.calls.map((call) => String(call[0]));
    await first.module.close();
    open.splice(open.indexOf(first), 1);
    return { ids, warnings };
  };

  it('logs each buffered id at WARN at once, and shutdown spills exactly those entries, with no secret', async () => {
    const { ids, warnings } = await bufferThree();
    for (const id of ids) {
      expect(warnings.filter((line) => line.includes(`buffered entry ${id} `))).toHaveLength(1);
    }
    expect(spilledIds()).toEqual(ids);
    const text = readFileSync(spillFile, 'utf8');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('[REDACTED]');
  });

  it('shuts down in bounded time with an app-given client that queues commands while Redis is down, and spills the entry', async () => {
    // BullMQ's required setting: commands wait in the offline queue, unanswered, for ever.
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    try {
      const first = await bootDlq(
        { redis: { client }, keyPrefix: 'spilltest', spillFile },
        clock,
        replayer,
      );
      await redis.stop();
      const { id } = await first.dlq.store(failedInput());
      const closed = first.module.close().then(() => 'closed');
      const hung = new Promise((resolve) => setTimeout(resolve, 10_000, 'still closing')).catch(
        () => undefined,
      );
      expect(await Promise.race([closed, hung])).toBe('closed');
      expect(spilledIds()).toEqual([id]);
    } finally {
      client.disconnect();
    }
  });

  it('shuts down in bounded time while a redrive round waits on such a client', async () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    try {
      const first = await bootDlq(
        { redis: { client }, keyPrefix: 'spilltest', spillFile, redrive: [{ after: '1m' }] },
        clock,
        replayer,
      );
      await redis.stop();
      const round = first.module.get(DlqRedriver).redriveDue();
      const closed = first.module.close().then(() => 'closed');
      const hung = new Promise((resolve) => setTimeout(resolve, 15_000, 'still closing'));
      expect(await Promise.race([closed, hung])).toBe('closed');
      void round.catch(() => undefined);
    } finally {
      client.disconnect();
    }
  });

  it('the next start imports the spilled entries into Redis and removes the file', async () => {
    const { ids } = await bufferThree();
    await redis.start();
    const next = await boot('redis');
    expect(existsSync(spillFile)).toBe(false);
    for (const id of ids) expect((await next.dlq.get(id))?.id).toBe(id);
    expect((await next.dlq.list()).items.map((e) => e.id).sort()).toEqual([...ids].sort());
  });

  it('the next start with the in-memory store imports them too', async () => {
    const { ids } = await bufferThree();
    const next = await boot('memory');
    expect(existsSync(spillFile)).toBe(false);
    expect((await next.dlq.list()).items.map((e) => e.id).sort()).toEqual([...ids].sort());
  });

  // The memory store spills every entry it holds at a graceful stop: checked as Redis's is.
  it.each(['redis', 'memory'] as const)(
    'fails the %s start, naming dlq.spillFile, when the file could not be written at shutdown',
    async (store) => {
      const missing = join(dir, 'no-such-dir', 'spill.jsonl');
      const redisOptions = store === 'redis' ? { redis: { url: redis.url } } : {};
      const options = { store, ...redisOptions, keyPrefix: 'spilltest', spillFile: missing };
      await expect(bootDlq(options, clock, replayer)).rejects.toThrow(
        /dlq\.spillFile: cannot write .*no-such-dir.*\(ENOENT\): give a writable path, or false/,
      );
    },
  );

  it.each(['redis', 'memory'] as const)(
    'fails the %s start, naming dlq.spillFile, when the path is a directory or under a file, and renames nothing',
    async (store) => {
      const directory = join(dir, 'a-directory');
      mkdirSync(directory);
      writeFileSync(join(directory, 'keep.txt'), 'mine');
      const file = join(dir, 'a-file');
      writeFileSync(file, 'not a directory');
      try {
        const redisOptions = store === 'redis' ? { redis: { url: redis.url } } : {};
        const start = (path: string) =>
          bootDlq(
            { store, ...redisOptions, keyPrefix: 'spilltest', spillFile: path },
            clock,
            replayer,
          );
        await expect(start(directory)).rejects.toThrow(
          /dlq\.spillFile: .*a-directory is not a regular file/,
        );
        await expect(start(join(file, 'spill.jsonl'))).rejects.toThrow(
          /dlq\.spillFile: .*a-file is not a directory/,
        );
        expect(readdirSync(dir).sort()).toEqual(['a-directory', 'a-file']);
        expect(readFileSync(join(directory, 'keep.txt'), 'utf8')).toBe('mine');
      } finally {
        rmSync(directory, { recursive: true, force: true });
        rmSync(file, { force: true });
      }
    },
  );

  it('the in-memory store keeps its entries in the spill file at close, for the next start', async () => {
    const first = await boot('memory');
    const stored: FailedOperation[] = [];
    for (let i = 0; i < 3; i++) stored.push(await first.dlq.store(failedInput()));
    await first.module.close();
    open.splice(open.indexOf(first), 1);
    expect(spilledIds()).toEqual(stored.map((entry) => entry.id));
    expect(readFileSync(spillFile, 'utf8')).not.toContain('s3cret');

    // Hours later: these were never written anywhere else, so they come back unmarked.
    clock.advance(2 * DLQ_TOMBSTONE_MS);
    const next = await boot('memory');
    expect(existsSync(spillFile)).toBe(false);
    for (const entry of stored) expect(await next.dlq.get(entry.id)).toEqual(entry);
  });

  it('the in-memory store, once closed, logs a later store at ERROR as full JSON rather than keep it unread', async () => {
    const first = await boot('memory');
    const kept = await first.dlq.store(failedInput());
    await first.module.close();
    open.splice(open.indexOf(first), 1);
    const error = vi.spyOn(Logger.prototype, 'error');

    const late = await first.dlq.store(failedInput());

    expect(spilledIds()).toEqual([kept.id]);
    const lines = error.mock.calls.map(([line]) => String(line));
    expect(lines.filter((line) => line.includes(late.id))).toEqual([
      expect.stringMatching(/^DLQ entry could not be stored \(shutting down: .*full entry: \{/),
    ]);
  });

  it('the in-memory store brings back, apart and not counted again, entries of one failure', async () => {
    const first = await boot('memory');
    // The same failure twice, past the dedup window: two entries, each stored once.
    const same = { arguments: { q: 'same' } };
    const low = await first.dlq.store(failedInput({ ...same, priority: 'low' }));
    clock.advance(10 * 60_000);
    const high = await first.dlq.store(failedInput({ ...same, priority: 'high' }));
    expect(high.id).not.toBe(low.id);
    await first.module.close();
    open.splice(open.indexOf(first), 1);

    const next = await boot('memory');
    expect(await next.dlq.get(low.id)).toEqual(low);
    expect(await next.dlq.get(high.id)).toEqual(high);
    expect(next.events.filter(([name]) => name === 'dlq.stored')).toEqual([]);
  });

  it('brings them back apart and uncounted through the write buffer too, when Redis is down at the next start', async () => {
    const first = await boot('memory');
    const same = { arguments: { q: 'same again' } };
    const low = await first.dlq.store(failedInput({ ...same, priority: 'low' }));
    clock.advance(10 * 60_000);
    const high = await first.dlq.store(failedInput({ ...same, priority: 'high' }));
    await first.module.close();
    open.splice(open.indexOf(first), 1);

    await redis.stop();
    // Imported while Redis is down: both wait in the write buffer (its flush shows it).
    const next = await boot('redis');
    await redis.start();
    await vi.waitFor(
      () => expect(next.events.filter(([name]) => name === 'dlq.flushed')).not.toEqual([]),
      { timeout: 15_000 },
    );
    expect(await next.dlq.get(low.id)).toMatchObject({ id: low.id, priority: 'low' });
    expect(await next.dlq.get(high.id)).toMatchObject({ id: high.id, priority: 'high' });
    expect((await next.dlq.get(high.id))?.occurrences ?? 1).toBe(1);
    expect(next.events.filter(([name]) => name === 'dlq.stored')).toEqual([]);
    expect(next.events.filter(([name]) => name === 'dlq.deduplicated')).toEqual([]);
  });

  it('the in-memory store with spillFile false logs each entry at ERROR as full JSON at close', async () => {
    const error = vi.spyOn(Logger.prototype, 'error');
    const instance = await bootDlq({ store: 'memory', spillFile: false }, clock, replayer);
    const stored = [
      await instance.dlq.store(failedInput()),
      await instance.dlq.store(failedInput()),
    ];
    await instance.module.close();
    const lines = error.mock.calls.map((call) => String(call[0]));
    for (const entry of stored) {
      const line = lines.find((text) => text.includes(`"id":"${entry.id}"`));
      expect(line).toContain('memory store closed: dlq.spillFile is false');
      expect(JSON.parse(line!.slice(line!.indexOf('full entry: ') + 12))).toEqual(entry);
    }
    expect(existsSync(spillFile)).toBe(false);
  });

  it('spills at once, in beforeApplicationShutdown, before anything else shuts down', async () => {
    const first = await boot('redis');
    await redis.stop();
    const entry = await first.dlq.store(failedInput());
    await first.module.get(DeadLetterQueueService).beforeApplicationShutdown();
    expect(spilledIds()).toEqual([entry.id]);
    expect(new DlqSpillFile(spillFile).read().map((held) => held.entry)).toEqual([entry]);
  });
  it('writes late, marked deliveryUnknown, an entry whose timed-out write landed and was replayed since', async () => {
    const instance = await boot('redis');
    const storage = instance.module.get<DlqStorage>(DLQ_STORAGE);
    const insert = storage.insert.bind(storage);
    let answering = false;
    // The injected fault: the first write lands but its answer is lost (a timeout), and the
    // buffer's retries time out too until `answering`.
    const spy = vi.spyOn(storage, 'insert').mockImplementation(async (entry, options) => {
      if (spy.mock.calls.length === 1) await insert(entry, options);
      if (spy.mock.calls.length === 1 || !answering) throw new Error('Command timed out');
      return insert(entry, options);
    });
    const entry = await instance.dlq.store(failedInput());
    expect(await instance.dlq.get(entry.id)).toMatchObject({ id: entry.id, status: 'dead' });
    await instance.replays.replay(entry.id);
    expect(await instance.dlq.get(entry.id)).toBeNull();

    // An hour on, the tombstone that made a late write of the id a no-op has expired.
    const node = new Redis(redis.url);
    await node.del(new RedisDlqKeys('spilltest').tombstone(entry.id));
    await node.quit();
    clock.advance(DLQ_TOMBSTONE_MS);
    const warn = vi.spyOn(Logger.prototype, 'warn');
    answering = true;
    await instance.dlq.store(failedInput({ toolName: 'other' }));
    await vi.waitUntil(async () => (await instance.dlq.get(entry.id)) !== null, { timeout: 5000 });

    const late = await instance.dlq.get(entry.id);
    expect(late).toMatchObject({ id: entry.id, deliveryUnknown: true });
    expect(late?.nextRedriveAt).toBeUndefined();
    expect(warn.mock.calls.map((call) => String(call[0]))).toContainEqual(
      expect.stringContaining(`DLQ entry ${entry.id} is written over an hour after`),
    );
    await expect(instance.replays.replay(entry.id)).rejects.toSatisfy(isReplayConflictError);
    expect(replayer.calls.filter((call) => call.id === entry.id)).toHaveLength(1);
  });
});

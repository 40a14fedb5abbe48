import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeadLetterQueueService } from '../../../libs/fastmcp/src/dlq/core/dead-letter-queue.service.js';
import { DLQ_ID_PATTERN, DlqIdGenerator } from '../../../libs/fastmcp/src/dlq/core/dlq-id.js';
import type { FailedOperation } from '../../../libs/fastmcp/src/dlq/core/failed-operation.interface.js';
import { isDlqEntryNotFoundError } from '../../../libs/fastmcp/src/errors/dlq-entry-not-found.error.js';
import { isDlqValidationError } from '../../../libs/fastmcp/src/errors/dlq-validation.error.js';
import { McpHttpError } from '../../../libs/fastmcp/src/errors/mcp-http.error.js';
import { isReplayConflictError } from '../../../libs/fastmcp/src/errors/replay-conflict.error.js';
import type { DlqOptions } from '../../../libs/fastmcp/src/options/dlq-options.interface.js';
import type { ReplayOutcome } from '../../../libs/fastmcp/src/dlq/replay/operation-replayer.interface.js';
import {
  type DlqInstance,
  eventsNamed,
  FakeReplayer,
  failedInput,
  TestClock,
} from './dlq-test-context.js';

/** What a store's spec gives the contract: boot instances over one fresh store. */
export interface DlqContractTarget {
  /** Boots an instance; instances of one `open` share the store (two app instances). */
  open(options: DlqOptions, clock: TestClock, replayer: FakeReplayer): Promise<DlqStoreUnderTest>;
}

export interface DlqStoreUnderTest {
  boot(): Promise<DlqInstance>;
  /** Runs the retention sweep now. */
  sweep(instance: DlqInstance): Promise<number>;
}

/** The behaviour both stores share; the Redis and in-memory specs run it. */
export function dlqContract(name: string, target: DlqContractTarget): void {
  describe(`${name}: DeadLetterQueue contract`, () => {
    let clock: TestClock;
    let replayer: FakeReplayer;
    let instances: DlqInstance[];
    let a: DlqInstance;
    let dlq: DeadLetterQueueService;
    let store: DlqStoreUnderTest;

    async function setup(options: DlqOptions = {}): Promise<void> {
      store = await target.open(options, clock, replayer);
      a = await store.boot();
      instances.push(a);
      dlq = a.dlq;
    }

    async function storeMany(count: number, stepMs = 1): Promise<FailedOperation[]> {
      const out: FailedOperation[] = [];
      for (let i = 0; i < count; i++) {
        out.push(await dlq.store(failedInput()));
        clock.advance(stepMs);
      }
      return out;
    }

    /** An id created at `ms`. */
    const idAt = (ms: number): string => new DlqIdGenerator().next(ms);

    async function collect(
      read: (cursor?: string) => Promise<{ items: FailedOperation[]; nextCursor?: string }>,
      between?: () => Promise<void>,
    ): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await read(cursor);
        ids.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
        await between?.();
      } while (cursor);
      return ids;
    }

    beforeEach(async () => {
      clock = new TestClock();
      replayer = new FakeReplayer();
      instances = [];
      await setup();
    });

    afterEach(async () => {
      vi.restoreAllMocks();
      for (const instance of new Set(instances)) await instance.module.close();
    });

    it('stores an entry with a ULID, expiry and replay state, logs it and emits dlq.stored', async () => {
      const log = vi.spyOn(Logger.prototype, 'log');
      const entry = await dlq.store(failedInput());
      expect(entry.id).toMatch(DLQ_ID_PATTERN);
      expect(entry).toMatchObject({ status: 'dead', replayCount: 0, operation: 'call_tool' });
      expect(Date.parse(entry.expiresAt)).toBe(clock.now() + 7 * 24 * 3600 * 1000);
      expect(log).toHaveBeenCalledWith(
        `Stored failed operation in DLQ: ${entry.id} (operation: call_tool, error: max retries exceeded)`,
        expect.objectContaining({ event: 'dlq.stored', id: entry.id, operation: 'call_tool' }),
      );
      expect(eventsNamed(a.events, 'dlq.stored')).toEqual([
        {
          id: entry.id,
          operation: 'call_tool',
          clientId: 'github',
          error: 'max retries exceeded',
          errorClass: 'http_503',
        },
      ]);
      expect(await dlq.get(entry.id)).toEqual(entry);
    });

    it('redacts secret headers and URL credentials whatever the caller passes', async () => {
      await setup({ secretHeaders: ['X-Tenant'] });
      const entry = await dlq.store(
        failedInput({
          serverUrl: 'https://user:pw@mcp.example.com/mcp?access_token=abc&x=1',
          request: {
            method: 'tools/call',
            headers: {
              Authorization: 'Bearer a',
              cookie: 'c',
              'Set-Cookie': 's',
              'Proxy-Authorization': 'p',
              'X-Auth-Token': 't',
              'X-Client-Secret': 'cs',
              'X-Api-Key': 'k',
              apikey: 'k2',
              'x-tenant': 'acme',
              Accept: 'application/json',
            },
          },
        }),
      );
      const stored = JSON.stringify(await dlq.get(entry.id));
      for (const secret of [
        'Bearer a',
        '"c"',
        '"s"',
        '"p"',
        '"t"',
        '"cs"',
        '"k"',
        '"k2"',
        'acme',
        'pw',
        'abc',
      ]) {
        expect(stored).not.toContain(secret);
      }
      expect(entry.request.headers.Accept).toBe('application/json');
      expect(entry.request.headers.Authorization).toBe('[REDACTED]');
    });

    it('keeps the server URL without its query, fragment or credentials', async () => {
      await setup();
      const entry = await dlq.store(
        failedInput({
          serverUrl: 'https://user:pw@mcp.example.com:8443/mcp?token=[REDACTED]&sig=SECRET#frag',
        }),
      );
      expect(entry.serverUrl).toBe('https://mcp.example.com:8443/mcp');
      expect((await dlq.get(entry.id))?.serverUrl).toBe('https://mcp.example.com:8443/mcp');
    });

    it('keeps a well-formed traceparent, through an export and import too; drops a malformed one, never the entry', async () => {
      await setup();
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const traced = await dlq.store(failedInput({ traceparent }));
      expect((await dlq.get(traced.id))?.traceparent).toBe(traceparent);
      for (const malformed of [
        '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01',
        '00-00000000000000000000000000000000-b7ad6b7169203331-01',
        '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
        'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        `${traceparent}-extra`,
        42,
      ]) {
        const entry = await dlq.store(failedInput({ traceparent: malformed as string }));
        expect(entry.traceparent, String(malformed)).toBeUndefined();
        expect(await dlq.get(entry.id)).toEqual(entry);
      }
      const exported = { ...traced, id: new DlqIdGenerator().next(clock.now() - 1000) };
      expect(await dlq.import([JSON.parse(JSON.stringify(exported))])).toMatchObject({
        imported: 1,
      });
      expect((await dlq.get(exported.id))?.traceparent).toBe(traceparent);
    });

    it('caps oversized arguments and says so; keeps the last 10 attempts with 2 KiB messages', async () => {
      await setup({ maxArgumentBytes: 1024 });
      const big = { blob: 'x'.repeat(5000) };
      const attempts = Array.from({ length: 15 }, (_, i) => ({
        at: new Date().toISOString(),
        durationMs: i,
        errorClass: 'timeout',
        message: `${i}:${'é'.repeat(3000)}`,
      }));
      const entry = await dlq.store(
        failedInput({
          arguments: big,
          request: { method: 'tools/call', params: { name: 'x', arguments: big }, headers: {} },
          attempts,
        }),
      );
      const read = (await dlq.get(entry.id))!;
      expect(read.argumentsTruncated).toBe(true);
      expect(JSON.stringify(read.arguments).length).toBeLessThan(1024);
      expect(JSON.stringify(read.request.params).length).toBeLessThan(2048);
      expect(read.attempts).toHaveLength(10);
      expect(read.attempts[0].durationMs).toBe(5);
      for (const attempt of read.attempts)
        expect(Buffer.byteLength(attempt.message)).toBeLessThanOrEqual(2048);
      const small = await dlq.store(failedInput());
      expect(small.argumentsTruncated).toBeUndefined();
    });

    it('refuses dates that are not dates, and keeps dates, headers and the URL small', async () => {
      await setup();
      for (const [field, value] of [
        ['failedAt', 'x'.repeat(1 << 20)],
        ['firstAttemptAt', 'yesterday'],
        ['failedAt', 42],
      ] as const) {
        const error = await dlq.store(failedInput({ [field]: value })).catch((e: unknown) => e);
        expect(isDlqValidationError(error)).toBe(true);
        expect((error as Error).message).toContain(
          `invalid DLQ ${field}: expected an ISO 8601 date`,
        );
        expect((error as Error).message.length).toBeLessThan(200);
      }
      const headers: Record<string, string> = { ['n'.repeat(1000)]: 'long name' };
      for (let i = 0; i < 200; i++) headers[`x-h${i}`] = 'v'.repeat(20_000);
      const entry = await dlq.store(
        failedInput({
          failedAt: '2026-12-04T10:00:00+02:00',
          serverUrl: `https://mcp.example.com/${'p'.repeat(1 << 20)}`,
          attempts: [
            null as never,
            { at: 'z'.repeat(1 << 20), durationMs: 1, errorClass: 'timeout', message: 'm' },
          ],
          request: { method: 'tools/call', headers },
        }),
      );
      const read = (await dlq.get(entry.id))!;
      expect(read.failedAt).toBe('2026-12-04T08:00:00.000Z');
      expect(read.attempts).toEqual([
        {
          at: new Date(clock.now()).toISOString(),
          durationMs: 1,
          errorClass: 'timeout',
          message: 'm',
        },
      ]);
      expect(Object.keys(read.request.headers)).toEqual(
        Array.from({ length: 64 }, (_, i) => `x-h${i}`),
      );
      for (const value of Object.values(read.request.headers))
        expect(Buffer.byteLength(value)).toBeLessThanOrEqual(8192);
      expect(Buffer.byteLength(read.serverUrl)).toBeLessThanOrEqual(2048);
      expect(read.serverUrl.startsWith('https://mcp.example.com/ppp')).toBe(true);
    });

    it('stores arguments nested deeper than a recursive hash could walk, at once', async () => {
      await setup();
      let deep: unknown = 1;
      for (let i = 0; i < 4000; i++) deep = { a: deep };
      const entry = await dlq.store(failedInput({ arguments: { deep } }));
      expect(dlq.bufferedCount).toBe(0);
      expect((await dlq.get(entry.id))?.id).toBe(entry.id);
      // The write after it is not held up behind it either.
      const next = await dlq.store(failedInput());
      expect((await dlq.get(next.id))?.id).toBe(next.id);
    });

    it('gets and deletes by id', async () => {
      const [first, second] = await storeMany(2);
      expect(await dlq.delete(first.id)).toBe(true);
      expect(await dlq.delete(first.id)).toBe(false);
      expect(await dlq.get(first.id)).toBeNull();
      expect((await dlq.get(second.id))?.id).toBe(second.id);
    });

    it('lists newest first with a keyset cursor, also among same-millisecond ids', async () => {
      const spaced = await storeMany(5);
      const sameMs = await storeMany(7, 0);
      const expected = [...spaced, ...sameMs].map((e) => e.id).reverse();
      expect(await collect((cursor) => dlq.list({ limit: 3, cursor }))).toEqual(expected);
      expect((await dlq.list()).items.map((e) => e.id)).toEqual(expected);
      const exact = await dlq.list({ limit: 12 });
      expect(exact.nextCursor).toBeUndefined();
    });

    it('pages without duplicates or skips while entries are added and removed', async () => {
      const before = (await storeMany(40)).map((e) => e.id);
      const removed = new Set<string>();
      let round = 0;
      const seen = await collect(
        (cursor) => dlq.list({ limit: 7, cursor }),
        async () => {
          await dlq.store(failedInput());
          const victim = before[(round++ * 3) % 10];
          if (await dlq.delete(victim)) removed.add(victim);
        },
      );
      expect(new Set(seen).size).toBe(seen.length);
      const missing = before.filter((id) => !seen.includes(id) && !removed.has(id));
      expect(missing).toEqual([]);
      expect(seen.every((id) => before.includes(id))).toBe(true);
    });

    it('filters by operation and by client id, with the same paging', async () => {
      for (let i = 0; i < 5; i++) {
        await dlq.store(failedInput({ clientId: i % 2 ? 'slack' : 'github' }));
        await dlq.store(failedInput({ operation: 'list_tools', clientId: 'slack' }));
        clock.advance(1);
      }
      const github = await collect((cursor) => dlq.getByClientId('github', { limit: 2, cursor }));
      expect(github).toHaveLength(3);
      const slack = await collect((cursor) => dlq.getByClientId('slack', { limit: 2, cursor }));
      expect(slack).toHaveLength(7);
      const lists = await collect((cursor) =>
        dlq.getByOperation('list_tools', { limit: 4, cursor }),
      );
      expect(lists).toHaveLength(5);
      expect((await dlq.getByOperation('connect')).items).toEqual([]);
      expect((await dlq.getByClientId('nobody')).items).toEqual([]);
    });

    it('filters by error class with the same paging; an odd class is stored as unknown', async () => {
      for (let i = 0; i < 5; i++) {
        await dlq.store(failedInput({ errorClass: i % 2 ? 'timeout' : 'protocol_-32602' }));
        clock.advance(1);
      }
      await dlq.store(failedInput({ errorClass: 'not a class!' }));
      const protocol = await collect((cursor) =>
        dlq.getByErrorClass('protocol_-32602', { limit: 2, cursor }),
      );
      expect(protocol).toHaveLength(3);
      const classes = await Promise.all(
        protocol.map(async (id) => (await dlq.get(id))?.errorClass),
      );
      expect(classes).toEqual(Array(3).fill('protocol_-32602'));
      expect(await collect((cursor) => dlq.getByErrorClass('timeout', { cursor }))).toHaveLength(2);
      expect((await dlq.getByErrorClass('unknown')).items).toHaveLength(1);
      expect((await dlq.getByErrorClass('http_500')).items).toEqual([]);
    });

    it('reads no id of an index from before the age window, however few match inside it', async () => {
      const old = await dlq.store(failedInput({ clientId: 'rare' }));
      clock.advance(20_000);
      await storeMany(5);
      const pages = vi.spyOn(dlq.activeStorage(), 'page');
      expect((await dlq.getByClientId('rare', { newerThanMs: 10_000 })).items).toEqual([]);
      expect(pages).toHaveBeenCalled();
      const read = await Promise.all(pages.mock.results.map((r) => r.value as Promise<string[]>));
      expect(read.flat()).not.toContain(old.id);
    });

    it('bounds a read by age: it starts at the newest entry old enough and ends past the oldest new enough', async () => {
      const old = await dlq.store(failedInput());
      clock.advance(10_000);
      const middle = await dlq.store(failedInput());
      clock.advance(10_000);
      const recent = await storeMany(600, 0);
      const pages = vi.spyOn(dlq.activeStorage(), 'page');
      const ids = (page: { items: FailedOperation[] }) => page.items.map((e) => e.id);

      // Ages now: old 20 s, middle 10 s, the 600 recent ones 0 s.
      const exported: string[] = [];
      for await (const entry of dlq.export({ olderThanMs: 5_000 })) exported.push(entry.id);
      expect(exported).toEqual([middle.id, old.id]);
      // One read, from the bound: the 600 newer entries were never read.
      expect(pages).toHaveBeenCalledTimes(1);

      const first = await dlq.list({ olderThanMs: 5_000, limit: 1 });
      expect(ids(first)).toEqual([middle.id]);
      const second = await dlq.list({ olderThanMs: 5_000, limit: 1, cursor: first.nextCursor });
      expect(second).toEqual({ items: [old] });

      pages.mockClear();
      const newer = await dlq.list({ newerThanMs: 15_000, limit: 500 });
      expect(ids(newer)).toEqual(
        recent
          .slice(-500)
          .map((e) => e.id)
          .reverse(),
      );
      const rest = await dlq.list({ newerThanMs: 15_000, limit: 500, cursor: newer.nextCursor });
      expect(ids(rest)).toEqual([
        ...recent
          .slice(0, 100)
          .map((e) => e.id)
          .reverse(),
        middle.id,
      ]);
      // The read ends at the first entry too old: no cursor into what the bound leaves out.
      expect(rest.nextCursor).toBeUndefined();

      expect(ids(await dlq.list({ olderThanMs: 5_000, newerThanMs: 15_000 }))).toEqual([middle.id]);
      expect(ids(await dlq.getByClientId('github', { olderThanMs: 15_000 }))).toEqual([old.id]);
      expect(ids(await dlq.listByPriority({ olderThanMs: 5_000 }))).toEqual([middle.id, old.id]);
      expect((await dlq.list({ olderThanMs: Number.MAX_SAFE_INTEGER })).items).toEqual([]);
      for (const bad of [{ olderThanMs: -1 }, { newerThanMs: Number.NaN }]) {
        const error = await dlq.list(bad).catch((e: unknown) => e);
        expect(isDlqValidationError(error) && error.field).toBe(Object.keys(bad)[0]);
      }
    });

    it('keeps age bounds exact: the whole newest millisecond, fractional ages as the filter has them', async () => {
      const template = await dlq.store(failedInput());
      await dlq.delete(template.id);
      const now = clock.now();
      const at = (id: string): FailedOperation => ({ ...template, id, arguments: { id } });
      // The greatest id a millisecond can hold, at exactly the newest time olderThanMs allows.
      const edge = new DlqIdGenerator().next(now - 60_000).slice(0, 10) + 'Z'.repeat(16);
      const entries = [at(edge), ...[0, 1, 2, 60_000].map((ago) => at(idAt(now - ago)))];
      expect(await dlq.import(entries)).toMatchObject({ imported: 5 });

      const ids = async (ages: { olderThanMs?: number; newerThanMs?: number }) => {
        const listed = (await dlq.list(ages)).items.map((e) => e.id);
        const exported: string[] = [];
        for await (const entry of dlq.export(ages)) exported.push(entry.id);
        expect(listed).toEqual(exported);
        return listed.length;
      };
      expect(await ids({ olderThanMs: 60_000 })).toBe(2);
      expect(await ids({ olderThanMs: 1e-5 })).toBe(4);
      expect(await ids({ olderThanMs: 1.00001 })).toBe(3);
      expect(await ids({ newerThanMs: 0.99999 })).toBe(1);
      expect(await ids({ newerThanMs: 1.5 })).toBe(2);
      // Older than half a millisecond: created 1 ms ago or before, on every store.
      expect(await dlq.cleanup(0.5)).toBe(4);
    });

    it('cleanup removes entries older than the given age and returns how many', async () => {
      await storeMany(3);
      clock.advance(10_000);
      const fresh = await storeMany(2);
      expect(await dlq.cleanup(5_000)).toBe(3);
      expect((await dlq.list()).items.map((e) => e.id)).toEqual(fresh.map((e) => e.id).reverse());
      expect(await dlq.cleanup(0)).toBe(2);
      expect((await dlq.getStats()).total).toBe(0);
    });

    it('reports stats', async () => {
      expect(await dlq.getStats()).toEqual({
        total: 0,
        byOperation: {},
        byClientId: {},
        byErrorClass: {},
        clientIdCount: 0,
        errorClassCount: 0,
        byPriority: {},
        dueForRedrive: 0,
        oldestAgeSeconds: null,
        newestAt: null,
      });
      const first = await dlq.store(failedInput());
      clock.advance(5000);
      await dlq.store(
        failedInput({ operation: 'connect', clientId: 'slack', errorClass: 'network' }),
      );
      const last = await dlq.store(failedInput({ clientId: 'slack' }));
      clock.advance(2000);
      const stats = await dlq.getStats();
      expect(stats).toEqual({
        total: 3,
        byOperation: { call_tool: 2, connect: 1 },
        byClientId: { slack: 2, github: 1 },
        byErrorClass: { http_503: 2, network: 1 },
        clientIdCount: 2,
        errorClassCount: 2,
        byPriority: { normal: 3 },
        dueForRedrive: 0,
        oldestAgeSeconds: 7,
        newestAt: new Date(clock.now() - 2000).toISOString(),
      });
      await dlq.delete(first.id);
      await dlq.delete(last.id);
      expect((await dlq.getStats()).byClientId).toEqual({ slack: 1 });
      expect((await dlq.getStats()).clientIdCount).toBe(1);
    });

    it('counts every client id and error class, listing the top 20 and 50', async () => {
      await Promise.all(
        Array.from({ length: 55 }, (_, i) =>
          dlq.store(failedInput({ clientId: `client-${i % 25}`, errorClass: `class_${i}` })),
        ),
      );
      const stats = await dlq.getStats();
      expect(Object.keys(stats.byClientId)).toHaveLength(20);
      expect(Object.keys(stats.byErrorClass)).toHaveLength(50);
      expect([stats.clientIdCount, stats.errorClassCount]).toEqual([25, 55]);
    });

    it('expires entries after ttlMs: hidden at once, swept by the next sweep (not by a store), counted', async () => {
      await setup({ ttlMs: 1000 });
      const old = await storeMany(3);
      clock.advance(1500);
      expect(await dlq.get(old[0].id)).toBeNull();
      expect((await dlq.list()).items).toEqual([]);
      const fresh = await dlq.store(failedInput());
      expect(eventsNamed(a.events, 'dlq.evicted')).toEqual([]);
      expect((await dlq.getStats()).total).toBe(1);
      expect(eventsNamed(a.events, 'dlq.evicted')).toEqual([{ reason: 'ttl', count: 3 }]);
      clock.advance(1500);
      expect(await store.sweep(a)).toBe(1);
      expect(await dlq.get(fresh.id)).toBeNull();
    });

    it('sweeps by expiry, not by age: an older entry that lives longer holds back nothing', async () => {
      await setup({ ttlMs: 1000 });
      const template = await dlq.store(failedInput());
      await dlq.delete(template.id);
      const lasting: FailedOperation = {
        ...template,
        id: new DlqIdGenerator().next(clock.now() - 60_000),
        expiresAt: new Date(clock.now() + 3_600_000).toISOString(),
      };
      expect(await dlq.import([lasting])).toMatchObject({ imported: 1 });
      const short = await storeMany(3);
      clock.advance(1500);
      await dlq.store(failedInput());
      expect(await store.sweep(a)).toBe(3);
      expect(eventsNamed(a.events, 'dlq.evicted')).toEqual([{ reason: 'ttl', count: 3 }]);
      for (const entry of short) expect(await dlq.get(entry.id)).toBeNull();
      expect(await dlq.get(lasting.id)).toEqual(lasting);
      clock.advance(1500);
      expect(await store.sweep(a)).toBe(1);
      expect((await dlq.getStats()).total).toBe(1);
    });

    it('evicts the oldest beyond maxEntries, counted and logged', async () => {
      await setup({ maxEntries: 3 });
      const warn = vi.spyOn(Logger.prototype, 'warn');
      const all = await storeMany(5);
      expect((await dlq.list()).items.map((e) => e.id)).toEqual(
        all
          .slice(2)
          .map((e) => e.id)
          .reverse(),
      );
      expect(eventsNamed(a.events, 'dlq.evicted')).toEqual([
        { reason: 'cap', count: 1 },
        { reason: 'cap', count: 1 },
      ]);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`evicted 1 oldest (${all[0].id})`));
      expect((await dlq.getStats()).total).toBe(3);
    });

    it('replay that succeeds returns the result and removes the entry', async () => {
      const entry = await dlq.store(failedInput());
      const result = await a.replays.replay(entry.id);
      expect(result).toEqual({ id: entry.id, result: { content: [{ type: 'text', text: 'ok' }] } });
      expect(replayer.calls[0]).toMatchObject({ id: entry.id, status: 'replaying' });
      expect(await dlq.get(entry.id)).toBeNull();
      expect((await dlq.getStats()).total).toBe(0);
      expect(eventsNamed(a.events, 'dlq.replayed')).toEqual([{ id: entry.id, result: 'success' }]);
    });

    it('replay that fails again appends attempts, raises replayCount and releases the lease', async () => {
      const entry = await dlq.store(failedInput());
      const error = new McpHttpError(502);
      const attempt = {
        at: new Date().toISOString(),
        durationMs: 5,
        status: 502,
        errorClass: 'http_502',
        message: 'HTTP 502',
      };
      replayer.next = () =>
        Promise.resolve({
          ok: false,
          error,
          errorSummary: 'HTTP 502',
          errorClass: 'http_502',
          attempts: [attempt, attempt],
        });
      await expect(a.replays.replay(entry.id)).rejects.toBe(error);
      const after = (await dlq.get(entry.id))!;
      expect(after).toMatchObject({
        status: 'dead',
        replayCount: 1,
        error: 'HTTP 502',
        errorClass: 'http_502',
      });
      expect(after.attempts).toHaveLength(3);
      expect((await dlq.getStats()).byErrorClass).toEqual({ http_502: 1 });
      expect((await dlq.getByErrorClass('http_502')).items.map((e) => e.id)).toEqual([entry.id]);
      expect((await dlq.getByErrorClass('http_503')).items).toEqual([]);
      await expect(a.replays.replay(entry.id)).rejects.toBe(error);
      expect((await dlq.get(entry.id))?.replayCount).toBe(2);
      expect(eventsNamed(a.events, 'dlq.replayed').map((e) => e.result)).toEqual([
        'failure',
        'failure',
      ]);
    });

    it('lets exactly one of two concurrent replays (two app instances) run', async () => {
      const b = await store.boot();
      instances.push(b);
      const entry = await dlq.store(failedInput());
      let release!: () => void;
      replayer.next = () =>
        new Promise((resolve) => (release = () => resolve({ ok: true, result: 1 })));
      const first = a.replays.replay(entry.id);
      await vi.waitFor(() => expect(replayer.calls).toHaveLength(1), { timeout: 5000 });
      expect((await b.dlq.get(entry.id))?.status).toBe('replaying');
      const second = await b.replays.replay(entry.id).catch((e: unknown) => e);
      expect(isReplayConflictError(second)).toBe(true);
      expect(eventsNamed(b.events, 'dlq.replayed')).toEqual([{ id: entry.id, result: 'conflict' }]);
      release();
      await expect(first).resolves.toEqual({ id: entry.id, result: 1 });
      expect(replayer.calls).toHaveLength(1);
      expect(await b.dlq.get(entry.id)).toBeNull();
    });

    it('marks an entry its replay left (lease run out) deliveryUnknown: replayed only with force', async () => {
      await setup({ replayLeaseMs: 100 });
      const entry = await dlq.store(failedInput());
      // The replaying instance stops renewing its lease (it died, or lost the store) mid-call.
      vi.spyOn(dlq.activeStorage(), 'renewReplay').mockRejectedValue(new Error('store away'));
      let crash!: () => void;
      replayer.next = () =>
        new Promise((resolve) => (crash = () => resolve({ ok: true, result: 'late' })));
      const stuck = a.replays.replay(entry.id);
      await vi.waitFor(() => expect(replayer.calls).toHaveLength(1), { timeout: 5000 });
      await sleep(150);
      clock.advance(150);
      expect(await dlq.get(entry.id)).toMatchObject({ status: 'dead', deliveryUnknown: true });
      const refused = await a.replays.replay(entry.id).catch((e: unknown) => e);
      expect(isReplayConflictError(refused)).toBe(true);
      expect(replayer.calls).toHaveLength(1);
      expect(await dlq.get(entry.id)).toMatchObject({ status: 'dead', deliveryUnknown: true });
      replayer.next = () => Promise.resolve({ ok: true, result: 'again' });
      await expect(a.replays.replay(entry.id, { force: true })).resolves.toEqual({
        id: entry.id,
        result: 'again',
      });
      crash();
      await stuck;
      expect(await dlq.get(entry.id)).toBeNull();
      expect(replayer.calls).toHaveLength(2);
    });

    it('renews the lease while a replay runs past it: another instance cannot take the entry', async () => {
      await setup({ replayLeaseMs: 2000 });
      const b = await store.boot();
      instances.push(b);
      const entry = await dlq.store(failedInput());
      let release!: () => void;
      replayer.next = () =>
        new Promise((resolve) => (release = () => resolve({ ok: true, result: 1 })));
      const renewals = vi.spyOn(dlq.activeStorage(), 'renewReplay');
      const first = a.replays.replay(entry.id);
      await vi.waitFor(() => expect(replayer.calls).toHaveLength(1), { timeout: 5000 });
      // Past the lease on both clocks: the test clock (the memory store) moves a step after each
      // renewal, so it never runs past the lease between two; real time (a Redis TTL) passes five
      // renewal periods. A lease of seconds survives a stall of the loaded machine.
      for (let i = 0; i < 5; i++) {
        const seen = renewals.mock.calls.length;
        await vi.waitFor(() => expect(renewals.mock.calls.length).toBeGreaterThan(seen), {
          timeout: 5000,
        });
        clock.advance(500);
      }
      const second = await b.replays.replay(entry.id).catch((e: unknown) => e);
      expect(isReplayConflictError(second)).toBe(true);
      release();
      await expect(first).resolves.toEqual({ id: entry.id, result: 1 });
      expect(replayer.calls).toHaveLength(1);
      expect(replayer.signals[0]?.aborted).toBe(false);
      expect(await b.dlq.get(entry.id)).toBeNull();
    });

    it('a replay that lost its lease stops its call and writes nothing but deliveryUnknown', async () => {
      await setup({ replayLeaseMs: 100 });
      const entry = await dlq.store(failedInput());
      const renew = vi
        .spyOn(dlq.activeStorage(), 'renewReplay')
        .mockRejectedValue(new Error('store away'));
      let answer!: (outcome: ReplayOutcome) => void;
      replayer.next = () => new Promise((resolve) => (answer = resolve));
      const stuck = a.replays.replay(entry.id);
      await vi.waitFor(() => expect(replayer.calls).toHaveLength(1), { timeout: 5000 });
      await sleep(150);
      clock.advance(150);
      // A forced replay finds the entry abandoned and does not run it (that force was decided
      // before this replay was lost); a later forced one takes the entry over and fails: what it
      // writes stays.
      const refused = await a.replays.replay(entry.id, { force: true }).catch((e: unknown) => e);
      expect(isReplayConflictError(refused)).toBe(true);
      expect(replayer.calls).toHaveLength(1);
      const error = new McpHttpError(502);
      replayer.next = () =>
        Promise.resolve({
          ok: false,
          error,
          errorSummary: 'HTTP 502',
          errorClass: 'http_502',
          attempts: [],
        });
      await expect(a.replays.replay(entry.id, { force: true })).rejects.toBe(error);
      renew.mockRestore();
      await vi.waitFor(() => expect(replayer.signals[0]?.aborted).toBe(true));
      answer({ ok: true, result: 'late' });
      await expect(stuck).resolves.toEqual({ id: entry.id, result: 'late' });
      // Two replays counted: the abandoned one (it may have run), and the forced one that failed.
      expect(await dlq.get(entry.id)).toMatchObject({
        status: 'dead',
        replayCount: 2,
        errorClass: 'http_502',
        deliveryUnknown: true,
      });
    });

    it('rejects bad ids, filters, cursors and limits with DlqValidationError, touching nothing', async () => {
      const entry = await dlq.store(failedInput());
      const bad: Array<() => Promise<unknown>> = [
        () => dlq.get('nope'),
        () => dlq.get('*'),
        () => dlq.delete(`${entry.id}*`),
        () => dlq.delete('../../etc'),
        () => a.replays.replay(entry.id.toLowerCase()),
        () => dlq.getByClientId('git*'),
        () => dlq.getByClientId('a b'),
        () => dlq.getByClientId('x'.repeat(200)),
        () => dlq.getByOperation('drop_table' as never),
        () => dlq.getByErrorClass('http_*'),
        () => dlq.getByErrorClass(''),
        () => dlq.list({ limit: 0 }),
        () => dlq.list({ limit: 501 }),
        () => dlq.list({ limit: 2.5 }),
        () => dlq.list({ cursor: 'not a cursor!' }),
        () => dlq.list({ cursor: Buffer.from('v1:123:ABC').toString('base64url') }),
        () => dlq.list({ cursor: Buffer.from(`v1:1:${entry.id}`).toString('base64url') }),
        () => dlq.cleanup(-1),
        () => dlq.store(failedInput({ clientId: 'bad client' })),
        () => dlq.store(failedInput({ operation: 'nope' as never })),
      ];
      for (const call of bad) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isDlqValidationError(error), String(error)).toBe(true);
      }
      expect((await dlq.list()).items.map((e) => e.id)).toEqual([entry.id]);
      expect((await dlq.getStats()).total).toBe(1);
    });

    it('refuses options that are not objects with DlqValidationError naming them', async () => {
      const entry = await dlq.store(failedInput());
      const bad: Array<[string, () => Promise<unknown>]> = [
        ['page', () => dlq.list(null as never)],
        ['page', () => dlq.list(5 as never)],
        ['page', () => dlq.listByPriority(null as never)],
        ['page', () => dlq.getByClientId('github', null as never)],
        ['options', () => a.replays.replay(entry.id, null as never)],
        ['request', () => a.jobs.start(null as never)],
        ['entries', () => dlq.import(null as never)],
        ['entries', () => dlq.import(5 as never)],
        ['entries', () => dlq.import(JSON.stringify(entry) as never)],
      ];
      for (const [field, call] of bad) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isDlqValidationError(error), String(error)).toBe(true);
        expect((error as Error).message).toMatch(new RegExp(`^invalid DLQ ${field}: expected`));
      }
      expect(replayer.calls).toEqual([]);
      expect((await dlq.list()).items).toEqual([entry]);
    });

    it('refuses what a replay could not run as it was called, and unknown filter or job keys, naming the field', async () => {
      const entry = await dlq.store(failedInput());
      const bad: Array<[string, () => Promise<unknown>]> = [
        // Replayed, these would run the tool with {} or another (cut) name.
        ['arguments', () => dlq.store(failedInput({ arguments: ['id-42'] as never }))],
        ['arguments', () => dlq.store(failedInput({ arguments: new Date(0) as never }))],
        ['toolName', () => dlq.store(failedInput({ toolName: 'a'.repeat(257) }))],
        ['toolName', () => dlq.store(failedInput({ toolName: undefined }))],
        // `'yes'` would read as false, and a fraction of a worker as fewer workers.
        ['force', () => a.replays.replay(entry.id, { force: 'yes' as never })],
        ['options.focre', () => a.replays.replay(entry.id, { focre: true } as never)],
        ['force', () => a.jobs.start({ force: 'yes' as never })],
        ['concurrency', () => a.jobs.start({ concurrency: 1.5 })],
        ['limit', () => a.jobs.start({ limit: 2.5 })],
        // A misspelt key would read as no filter: a job over every entry.
        ['filter.client', () => a.jobs.start({ filter: { client: 'mail' } as never })],
        ['request.limt', () => a.jobs.start({ limt: 1 } as never)],
        ['filter.client', async () => dlq.export({ client: 'mail' } as never).next()],
        ['olderThanMs', () => dlq.list({ olderThanMs: 1n as never })],
        ['ratePerSecond', () => a.jobs.start({ ratePerSecond: 10n as never })],
        ['bucketMs', () => dlq.timeline({ bucketMs: 1000n as never, buckets: 1 })],
        ['limit', () => a.jobs.list(1n as never)],
        ['limit', () => a.jobs.list(Number.NaN)],
        ['limit', () => a.jobs.list(101)],
      ];
      for (const [field, call] of bad) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isDlqValidationError(error), String(error)).toBe(true);
        expect((error as { field: string }).field).toBe(field);
      }
      const lines = [{ ...entry, id: idAt(clock.now() - 1), arguments: 'id=7' }];
      expect(await dlq.import(lines)).toMatchObject({ imported: 0, invalidCount: 1 });
      expect(replayer.calls).toEqual([]);
      expect((await dlq.list()).items).toEqual([entry]);
    });

    it('stores a failure whose error or URL has no usable text, rather than throwing', async () => {
      const opaque = Object.create(null) as never;
      const hostile = {
        toString() {
          throw new Error('no text');
        },
      } as never;
      const entry = await dlq.store(failedInput({ error: opaque, serverUrl: hostile }));
      expect(entry).toMatchObject({ error: '[object Object]' });
      expect(await dlq.get(entry.id)).toEqual(entry);
      // Attempts the same: mended, never a reason to lose the entry.
      const at = new Date(clock.now()).toISOString();
      const attempts = [
        { at, durationMs: Symbol('d'), errorClass: hostile, message: opaque },
      ] as never;
      const mended = await dlq.store(failedInput({ attempts }));
      expect(mended.attempts).toEqual([
        { at, durationMs: 0, errorClass: '[object Object]', message: '[object Object]' },
      ]);
      // A date that is not one is refused, naming it (not a TypeError from Date's getTime).
      const notADate = Object.create(Date.prototype) as never;
      const refused = await dlq
        .store(failedInput({ firstAttemptAt: notADate }))
        .catch((e: unknown) => e);
      expect(isDlqValidationError(refused) && refused.field).toBe('firstAttemptAt');
    });

    it('reports a missing entry on replay with DlqEntryNotFoundError', async () => {
      const entry = await dlq.store(failedInput());
      await dlq.delete(entry.id);
      const error = await a.replays.replay(entry.id).catch((e: unknown) => e);
      expect(isDlqEntryNotFoundError(error)).toBe(true);
      expect(replayer.calls).toHaveLength(0);
    });
  });
}

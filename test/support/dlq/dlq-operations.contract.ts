import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FailedOperation } from '../../../libs/fastmcp/src/dlq/core/failed-operation.interface.js';
import { DlqIdGenerator } from '../../../libs/fastmcp/src/dlq/core/dlq-id.js';
import { isDlqValidationError } from '../../../libs/fastmcp/src/errors/dlq-validation.error.js';
import {
  DlqUnavailableError,
  isDlqUnavailableError,
} from '../../../libs/fastmcp/src/errors/dlq-unavailable.error.js';
import { isDlqJobLimitError } from '../../../libs/fastmcp/src/errors/dlq-job-limit.error.js';
import type { BulkReplayJob } from '../../../libs/fastmcp/src/dlq/replay/bulk-replay-job.interface.js';
import { McpDeliveryUnknownError } from '../../../libs/fastmcp/src/errors/mcp-delivery-unknown.error.js';
import { McpHttpError } from '../../../libs/fastmcp/src/errors/mcp-http.error.js';
import { isReplayConflictError } from '../../../libs/fastmcp/src/errors/replay-conflict.error.js';
import { until } from '../until.js';
import { DlqRedriver } from '../../../libs/fastmcp/src/dlq/replay/dlq-redriver.service.js';
import { FastMcpEvents } from '../../../libs/fastmcp/src/events/fastmcp-events.service.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../../../libs/fastmcp/src/options/fastmcp-options.constants.js';
import type { DlqOptions } from '../../../libs/fastmcp/src/options/dlq-options.interface.js';
import type { DlqContractTarget, DlqStoreUnderTest } from './dead-letter-queue.contract.js';
import {
  type DlqInstance,
  eventsNamed,
  FakeReplayer,
  failedInput,
  TestClock,
} from './dlq-test-context.js';

const failing = (replayer: FakeReplayer): void => {
  replayer.next = () =>
    Promise.resolve({
      ok: false,
      error: new McpHttpError(503),
      errorSummary: 'HTTP 503',
      errorClass: 'http_503',
      attempts: [],
    });
};

/** Dedup, priority, export/import, automatic redrive and bulk replay, on every store. */
export function dlqOperationsContract(name: string, target: DlqContractTarget): void {
  describe(`${name}: operating the queue`, () => {
    let clock: TestClock;
    let replayer: FakeReplayer;
    let store: DlqStoreUnderTest;
    let instances: DlqInstance[];

    async function boot(options: DlqOptions = {}): Promise<DlqInstance> {
      store = await target.open(options, clock, replayer);
      const instance = await store.boot();
      instances.push(instance);
      return instance;
    }

    beforeEach(() => {
      clock = new TestClock();
      replayer = new FakeReplayer();
      instances = [];
    });

    afterEach(async () => {
      vi.restoreAllMocks();
      for (const instance of new Set(instances)) await instance.module.close();
    });

    it('folds the same failure within the window into one entry (occurrences, lastFailedAt)', async () => {
      const { dlq: queue, events } = await boot();
      const input = failedInput();
      const first = await queue.store(input);
      clock.advance(1000);
      const again = await queue.store({ ...input, failedAt: new Date(clock.now()).toISOString() });
      expect(again.id).toBe(first.id);
      expect(again).toMatchObject({
        occurrences: 2,
        lastFailedAt: new Date(clock.now()).toISOString(),
      });
      const reordered = { ...input, arguments: { ...input.arguments } };
      await queue.store(reordered);
      expect((await queue.get(first.id))?.occurrences).toBe(3);
      await queue.store(failedInput({ toolName: 'other' }));
      expect((await queue.getStats()).total).toBe(2);
      expect(eventsNamed(events, 'dlq.deduplicated').map((e) => e.occurrences)).toEqual([2, 3]);
      expect(eventsNamed(events, 'dlq.stored')).toHaveLength(2);
    });

    it('folds many concurrent stores of the same failure into one entry', async () => {
      const { dlq: queue, events } = await boot();
      const input = failedInput();
      const stored = await Promise.all(Array.from({ length: 40 }, () => queue.store(input)));
      const [id] = new Set(stored.map((entry) => entry.id));
      expect(new Set(stored.map((entry) => entry.id)).size).toBe(1);
      expect((await queue.get(id))?.occurrences).toBe(40);
      expect((await queue.getStats()).total).toBe(1);
      const counted = eventsNamed(events, 'dlq.deduplicated').map((e) => e.occurrences);
      expect(counted.sort((a, b) => a - b)).toEqual(Array.from({ length: 39 }, (_, i) => i + 2));
    });

    it('folds concurrent stores of the same failure from two instances into one entry', async () => {
      const a = await boot();
      const b = await store.boot();
      instances.push(b);
      const input = failedInput();
      const burst = (instance: DlqInstance) =>
        Array.from({ length: 20 }, () => instance.dlq.store(input));
      const stored = await Promise.all([...burst(a), ...burst(b)]);
      expect(new Set(stored.map((entry) => entry.id)).size).toBe(1);
      expect((await a.dlq.get(stored[0].id))?.occurrences).toBe(40);
      expect((await a.dlq.getStats()).total).toBe(1);
    });

    it('folds a failure that may have run into its entry as deliveryUnknown, out of redrive', async () => {
      const { dlq: queue, redriver } = await boot({ redrive: [{ after: 100 }] });
      const input = failedInput();
      const first = await queue.store(input);
      expect((await queue.getStats()).dueForRedrive).toBe(1);
      const again = await queue.store({
        ...input,
        errorClass: 'delivery_unknown',
        deliveryUnknown: true,
      });
      expect(again).toMatchObject({ id: first.id, occurrences: 2, deliveryUnknown: true });
      expect(again.nextRedriveAt).toBeUndefined();
      expect((await queue.getStats()).dueForRedrive).toBe(0);
      clock.advance(100);
      expect(await redriver.redriveDue()).toBe(0);
      expect(replayer.calls).toHaveLength(0);
    });

    it('keeps a failure apart from its entry while that entry is replayed', async () => {
      const { dlq: queue, replays } = await boot();
      const input = failedInput();
      const first = await queue.store(input);
      let finish!: () => void;
      replayer.next = () =>
        new Promise((resolve) => {
          finish = () => resolve({ ok: true, result: { content: [] } });
        });
      const replay = replays.replay(first.id);
      await vi.waitUntil(() => replayer.calls.length === 1);

      const again = await queue.store({ ...input, deliveryUnknown: true });
      finish();
      await replay;

      expect(again.id).not.toBe(first.id);
      expect(await queue.get(first.id)).toBeNull();
      expect(await queue.get(again.id)).toMatchObject({ deliveryUnknown: true, status: 'dead' });
      expect((await queue.getStats()).total).toBe(1);
    });

    it('keeps every failure apart with dedupWindowMs: 0', async () => {
      const { dlq: queue } = await boot({ dedupWindowMs: 0 });
      const input = failedInput();
      const [a, b] = [await queue.store(input), await queue.store(input)];
      expect(a.id).not.toBe(b.id);
      expect((await queue.getStats()).total).toBe(2);
    });

    it('sorts by priority then age, pages across priorities, filters and counts by priority', async () => {
      const { dlq: queue } = await boot();
      const stored: FailedOperation[] = [];
      for (const priority of ['low', 'high', 'normal', 'high', 'low', 'normal'] as const) {
        stored.push(await queue.store(failedInput({ priority })));
        clock.advance(1);
      }
      const ids = (p: string) =>
        stored
          .filter((e) => e.priority === p)
          .map((e) => e.id)
          .reverse();
      const expected = [...ids('high'), ...ids('normal'), ...ids('low')];
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await queue.listByPriority({ limit: 2, cursor });
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
      expect((await queue.getByPriority('high')).items.map((e) => e.id)).toEqual(ids('high'));
      expect((await queue.getStats()).byPriority).toEqual({ high: 2, normal: 2, low: 2 });
      const bad = await queue
        .store(failedInput({ priority: 'urgent' as never }))
        .catch((e: unknown) => e);
      expect(isDlqValidationError(bad)).toBe(true);
    });

    it('counts entries per time bucket by error class, the top classes apart and the rest together', async () => {
      const hourMs = 3600_000;
      clock.time = Math.floor(Date.now() / hourMs) * hourMs + 1000;
      const { dlq: queue } = await boot();
      const storeAll = (classes: string[]) =>
        Promise.all(classes.map((errorClass) => queue.store(failedInput({ errorClass }))));
      await storeAll(['http_503', 'http_503', 'http_503', 'timeout', 'network']);
      clock.advance(hourMs);
      const later = await storeAll(['http_503', 'http_503', 'timeout']);
      const timeline = await queue.timeline({ bucketMs: hourMs, buckets: 3, classes: 1 });
      expect(timeline).toEqual({
        startAt: new Date(clock.time - 1000 - 2 * hourMs).toISOString(),
        bucketMs: hourMs,
        series: [
          { errorClass: 'http_503', counts: [0, 3, 2] },
          { errorClass: null, counts: [0, 2, 1] },
        ],
      });
      expect(await queue.delete(later[0].id)).toBe(true);
      const two = await queue.timeline({ bucketMs: hourMs, buckets: 2, classes: 2 });
      expect(two.series).toEqual([
        { errorClass: 'http_503', counts: [3, 1] },
        { errorClass: 'timeout', counts: [1, 1] },
        { errorClass: null, counts: [1, 0] },
      ]);
      for (const bad of [
        { bucketMs: 999, buckets: 3 },
        { bucketMs: hourMs, buckets: 101 },
        { bucketMs: hourMs, buckets: 1.5 },
        { bucketMs: hourMs, buckets: 3, classes: 21 },
      ]) {
        const error = await queue.timeline(bad).catch((e: unknown) => e);
        expect(isDlqValidationError(error)).toBe(true);
      }
    });

    it('exports entries as they are and imports them back with their ids, skipping known ones', async () => {
      const { dlq: queue } = await boot();
      const a = await queue.store(failedInput({ clientId: 'slack', priority: 'high' }));
      clock.advance(5);
      const b = await queue.store(failedInput({ clientId: 'github' }));
      const exported: FailedOperation[] = [];
      for await (const entry of queue.export()) exported.push(entry);
      expect(exported.map((e) => e.id)).toEqual([b.id, a.id]);
      const slack: FailedOperation[] = [];
      for await (const entry of queue.export({ clientId: 'slack' })) slack.push(entry);
      expect(slack).toEqual([a]);
      expect(JSON.stringify(exported)).not.toContain('s3cret');

      const other = await boot({ keyPrefix: undefined });
      await other.dlq.cleanup(0);
      const lines = [
        ...exported.map((e) => JSON.parse(JSON.stringify(e)) as unknown),
        'junk',
        { id: 'x' },
      ];
      const first = await other.dlq.import(lines);
      expect(first).toEqual({
        imported: 2,
        skipped: 0,
        invalid: [
          { line: 3, reason: expect.stringContaining('JSON object') as string },
          { line: 4, reason: expect.stringContaining('ULID') as string },
        ],
        invalidCount: 2,
      });
      expect(await other.dlq.get(a.id)).toEqual(a);
      expect(await other.dlq.import(exported)).toMatchObject({ imported: 0, skipped: 2 });
    });

    it('refuses to import what could not stay or run: an expired entry, a call with no tool, a bad date, a future id, another tool named', async () => {
      const { dlq: queue } = await boot();
      const entry = await queue.store(failedInput());
      await queue.delete(entry.id);
      const ids = new DlqIdGenerator();
      const past = new Date(clock.now() - 1000).toISOString();
      const lines = [
        { ...entry, id: ids.next(clock.now()), expiresAt: past },
        { ...entry, id: ids.next(clock.now()), toolName: undefined },
        { ...entry, id: ids.next(clock.now()) },
        { ...entry, id: ids.next(clock.now()), lastFailedAt: 'x'.repeat(900_000) },
        // An id from two hours ahead would sort as the newest entry for those two hours.
        { ...entry, id: new DlqIdGenerator().next(clock.now() + 2 * 3_600_000) },
        // A replay runs `toolName`: the request would show operators another tool.
        {
          ...entry,
          id: ids.next(clock.now()),
          request: { ...entry.request, params: { ...entry.request.params, name: 'delete_all' } },
        },
      ];
      const result = await queue.import(lines);
      expect(result).toEqual({
        imported: 1,
        skipped: 0,
        invalid: [
          { line: 1, reason: `invalid DLQ expiresAt: it expired at ${past}` },
          { line: 2, reason: 'invalid DLQ toolName: a call_tool entry needs the name of its tool' },
          {
            line: 4,
            reason: expect.stringMatching(
              /^invalid DLQ lastFailedAt: expected an ISO 8601 date, got "x{63}\.\.\.$/,
            ) as string,
          },
          {
            line: 5,
            reason: `invalid DLQ id: its time ${new Date(clock.now() + 2 * 3_600_000).toISOString()} is ahead of this clock`,
          },
          { line: 6, reason: 'invalid DLQ request.params.name: names another tool than toolName' },
        ],
        invalidCount: 5,
      });
      expect((await queue.list()).items.map((e) => e.id)).toEqual([lines[2]?.id]);
    });

    it('refuses to import counters an export cannot hold: negative, fractional or past 2^53', async () => {
      const { dlq: queue } = await boot();
      const entry = await queue.store(failedInput());
      await queue.delete(entry.id);
      const ids = new DlqIdGenerator();
      const lines = [
        // A negative redrive count would let the entry be redriven past its policy's maxRedrives.
        { ...entry, id: ids.next(clock.now()), redriveCount: -1_000_000 },
        { ...entry, id: ids.next(clock.now()), occurrences: 0 },
        { ...entry, id: ids.next(clock.now()), replayCount: 1e308 },
        { ...entry, id: ids.next(clock.now()), occurrences: 1.5 },
        { ...entry, id: ids.next(clock.now()), occurrences: 3, redriveCount: 2, replayCount: 1 },
      ];
      const result = await queue.import(lines);
      expect(result).toEqual({
        imported: 1,
        skipped: 0,
        invalid: [
          { line: 1, reason: 'invalid DLQ redriveCount: expected a whole number >= 0' },
          { line: 2, reason: 'invalid DLQ occurrences: expected a whole number >= 1' },
          { line: 3, reason: 'invalid DLQ replayCount: expected a whole number >= 0' },
          { line: 4, reason: 'invalid DLQ occurrences: expected a whole number >= 1' },
        ],
        invalidCount: 4,
      });
      expect(await queue.get(lines[4].id)).toMatchObject({
        occurrences: 3,
        redriveCount: 2,
        replayCount: 1,
      });
    });

    it('imports a line exported mid-replay as deliveryUnknown; keeps a planned redrive time', async () => {
      const { dlq: queue, replays, redriver } = await boot({ redrive: [{ after: '1h' }] });
      const entry = await queue.store(failedInput());
      await queue.delete(entry.id);
      const ids = new DlqIdGenerator();
      const planned = new Date(clock.now() + 5000).toISOString();
      const lines = [
        { ...entry, id: ids.next(clock.now()), status: 'replaying', nextRedriveAt: planned },
        { ...entry, id: ids.next(clock.now()), nextRedriveAt: planned },
      ];
      expect(await queue.import(lines)).toMatchObject({ imported: 2, invalidCount: 0 });
      const [midReplay, waiting] = await Promise.all(lines.map((line) => queue.get(line.id)));
      expect(midReplay).toMatchObject({ status: 'dead', deliveryUnknown: true });
      expect(midReplay?.nextRedriveAt).toBeUndefined();
      expect(waiting).toMatchObject({ status: 'dead', nextRedriveAt: planned });
      expect(waiting?.deliveryUnknown).toBeUndefined();

      const refused = await replays.replay(lines[0].id).catch((e: unknown) => e);
      expect(isReplayConflictError(refused)).toBe(true);
      clock.advance(5000);
      expect(await redriver.redriveDue()).toBe(1);
      expect(replayer.calls.map((c) => c.id)).toEqual([lines[1].id]);
    });

    it('never replays an entry whose arguments were capped, imported or not, even with force', async () => {
      const { dlq: queue, replays } = await boot({
        maxArgumentBytes: 1024,
        redrive: [{ match: { errorClass: ['http_503'] }, after: '1s', backoff: 2, maxRedrives: 2 }],
      });
      const big = { blob: 'x'.repeat(5000) };
      const capped = await queue.store(failedInput({ arguments: big }));
      expect(capped).toMatchObject({ argumentsTruncated: true });
      expect(capped.nextRedriveAt).toBeUndefined();
      const ids = new DlqIdGenerator();
      const unmarked: Partial<FailedOperation> = { ...capped };
      delete unmarked.argumentsTruncated;
      const lines = [
        { ...capped, id: ids.next(clock.now()) },
        // The mark lost on the way: the marker in place of the arguments still says it.
        { ...unmarked, id: ids.next(clock.now()) },
      ];
      expect(await queue.import(lines)).toMatchObject({ imported: 2, invalidCount: 0 });
      for (const id of [capped.id, ...lines.map((line) => line.id)]) {
        const entry = (await queue.get(id))!;
        expect(entry).toMatchObject({ argumentsTruncated: true, replayCount: 0 });
        expect(entry.nextRedriveAt).toBeUndefined();
        for (const force of [false, true]) {
          const refused = await replays.replay(id, { force }).catch((e: unknown) => e);
          expect(isReplayConflictError(refused)).toBe(true);
          expect((refused as Error).message).toBe(
            `dead-letter entry ${id} cannot be replayed: its arguments were capped when it was stored`,
          );
        }
        expect(await queue.get(id)).toEqual(entry);
      }
      expect(replayer.calls).toEqual([]);
      expect((await queue.getStats()).dueForRedrive).toBe(0);
    });

    it('redrives a matching entry when due, with backoff, until maxRedrives marks it exhausted', async () => {
      const {
        dlq: queue,
        redriver,
        events,
      } = await boot({
        redrive: [{ match: { errorClass: ['http_503'] }, after: '1s', backoff: 2, maxRedrives: 2 }],
      });
      failing(replayer);
      const entry = await queue.store(failedInput());
      const other = await queue.store(failedInput({ errorClass: 'http_400' }));
      expect(entry.nextRedriveAt).toBe(new Date(clock.now() + 1000).toISOString());
      expect(other.nextRedriveAt).toBeUndefined();
      expect((await queue.getStats()).dueForRedrive).toBe(1);
      expect(await redriver.redriveDue()).toBe(0);
      clock.advance(1000);
      expect(await redriver.redriveDue()).toBe(1);
      const once = (await queue.get(entry.id))!;
      expect(once).toMatchObject({ redriveCount: 1, replayCount: 1, status: 'dead' });
      expect(once.nextRedriveAt).toBe(new Date(clock.now() + 2000).toISOString());
      clock.advance(1999);
      expect(await redriver.redriveDue()).toBe(0);
      clock.advance(1);
      expect(await redriver.redriveDue()).toBe(1);
      const exhausted = (await queue.get(entry.id))!;
      expect(exhausted).toMatchObject({ redriveCount: 2, redriveExhausted: true });
      expect(exhausted.nextRedriveAt).toBeUndefined();
      expect((await queue.getStats()).dueForRedrive).toBe(0);
      expect(eventsNamed(events, 'dlq.redriven').map((e) => e.result)).toEqual([
        'failure',
        'exhausted',
      ]);
      expect(replayer.calls.map((c) => c.id)).toEqual([entry.id, entry.id]);
    });

    it('ends a redrive round when the store is away before a replay begins: no failure counted, none run', async () => {
      const { dlq: queue, redriver, events } = await boot({ redrive: [{ after: 100 }] });
      const due = [
        await queue.store(failedInput()),
        await queue.store(failedInput({ toolName: 'b' })),
      ];
      clock.advance(100);
      // The injected fault: the store answers the round's reads, then refuses the replays' leases.
      const begin = vi
        .spyOn(queue.activeStorage(), 'beginReplay')
        .mockRejectedValue(new DlqUnavailableError('the store is away'));
      await expect(redriver.redriveDue()).rejects.toSatisfy(isDlqUnavailableError);
      expect(begin).toHaveBeenCalledTimes(1);
      expect(replayer.calls).toEqual([]);
      expect(eventsNamed(events, 'dlq.redriven')).toEqual([]);
      begin.mockRestore();
      // Back: the next round redrives both, as due as they were.
      expect(await redriver.redriveDue()).toBe(2);
      expect(replayer.calls.map((c) => c.id).sort()).toEqual(due.map((e) => e.id).sort());
    });

    it('never redrives an entry past its TTL before the sweep removes it, nor looks at it again', async () => {
      const { dlq: queue, redriver } = await boot({ ttlMs: 1000, redrive: [{ after: 500 }] });
      const expiring = await queue.store(failedInput());
      clock.advance(1000);
      const fresh = await queue.store(failedInput({ toolName: 'b' }));
      clock.advance(500);
      expect(await redriver.redriveDue()).toBe(1);
      expect(replayer.calls.map((c) => c.id)).toEqual([fresh.id]);
      // Out of the due index: no round reads it again while it waits for the sweep.
      expect(await queue.activeStorage().due(clock.now() + 60_000, 10)).toEqual([]);
      expect(await queue.sweepExpired()).toBe(1);
      expect(await queue.activeStorage().read([expiring.id])).toEqual([null]);
    });

    it('reads due entries soonest first, a round at most; a delete, the cap and the sweep take them out', async () => {
      const { dlq: queue } = await boot({
        ttlMs: 60_000,
        maxEntries: 3,
        redrive: [{ after: 1000 }],
      });
      const storage = queue.activeStorage();
      const stored: FailedOperation[] = [];
      for (const tool of ['a', 'b', 'c']) {
        stored.push(await queue.store(failedInput({ toolName: tool })));
        clock.advance(10);
      }
      const [first, second, third] = stored;
      // Moved later: due after the others, though stored first.
      await storage.setDue(first.id, clock.now() + 5000);
      expect(await storage.due(clock.now() + 1000, 100)).toEqual([second.id, third.id]);
      expect(await storage.due(clock.now() + 60_000, 2)).toEqual([second.id, third.id]);
      expect(await storage.due(clock.now() + 60_000, 100)).toEqual([second.id, third.id, first.id]);
      expect(await storage.due(clock.now(), 100)).toEqual([]);

      expect(await queue.delete(second.id)).toBe(true);
      // Past the cap of 3: the oldest (first) is evicted, and leaves the due index with it.
      await queue.store(failedInput({ toolName: 'd' }));
      const fourth = await queue.store(failedInput({ toolName: 'e' }));
      expect((await queue.get(first.id)) ?? undefined).toBeUndefined();
      const dueIds = await storage.due(clock.now() + 60_000, 100);
      expect(dueIds).not.toContain(first.id);
      expect(dueIds).not.toContain(second.id);
      expect(dueIds).toContain(fourth.id);
      expect((await queue.getStats()).dueForRedrive).toBe(dueIds.length);

      clock.advance(60_001);
      expect(await queue.sweepExpired()).toBe(3);
      expect(await storage.due(clock.now() + 60_000, 100)).toEqual([]);
      expect((await queue.getStats()).dueForRedrive).toBe(0);
    });

    it('never redrives deliveryUnknown entries; a redrive that succeeds removes the entry', async () => {
      const { dlq: queue, redriver, events } = await boot({ redrive: [{ after: 100 }] });
      const unknown = await queue.store(failedInput({ deliveryUnknown: true }));
      const fine = await queue.store(failedInput());
      expect(unknown.nextRedriveAt).toBeUndefined();
      clock.advance(100);
      expect(await redriver.redriveDue()).toBe(1);
      expect(replayer.calls.map((c) => c.id)).toEqual([fine.id]);
      expect(await queue.get(fine.id)).toBeNull();
      expect(await queue.get(unknown.id)).not.toBeNull();
      expect(eventsNamed(events, 'dlq.redriven')).toEqual([
        { id: fine.id, clientId: 'github', result: 'success' },
      ]);
    });

    it('marks an entry whose replay may have run deliveryUnknown: never redriven, force only', async () => {
      const { dlq: queue, redriver, replays } = await boot({ redrive: [{ after: 100 }] });
      const entry = await queue.store(failedInput());
      const error = new McpDeliveryUnknownError('search', new McpHttpError(502));
      replayer.next = () =>
        Promise.resolve({
          ok: false,
          error,
          errorSummary: error.message,
          errorClass: 'delivery_unknown',
          attempts: [],
          deliveryUnknown: true,
        });
      clock.advance(100);
      expect(await redriver.redriveDue()).toBe(1);
      const after = (await queue.get(entry.id))!;
      expect(after).toMatchObject({
        errorClass: 'delivery_unknown',
        deliveryUnknown: true,
        replayCount: 1,
        redriveCount: 1,
      });
      expect(after.nextRedriveAt).toBeUndefined();
      expect((await queue.getStats()).dueForRedrive).toBe(0);
      clock.advance(3600_000);
      expect(await redriver.redriveDue()).toBe(0);
      expect(isReplayConflictError(await replays.replay(entry.id).catch((e: unknown) => e))).toBe(
        true,
      );
      expect(replayer.calls).toHaveLength(1);
    });

    it('holds redrives to a server the gate holds (open circuit), using up no redrive', async () => {
      const a = await boot({ redrive: [{ after: 10 }] });
      const holding = {
        holdReason: (clientId: string) => (clientId === 'pay' ? 'circuit open' : null),
      };
      const redriver = new DlqRedriver(
        a.module.get(FASTMCP_RESOLVED_OPTIONS),
        a.dlq,
        a.replays,
        a.module.get(FastMcpEvents),
        holding,
      );
      const held = await a.dlq.store(failedInput({ clientId: 'pay' }));
      const free = await a.dlq.store(failedInput({ clientId: 'search' }));
      clock.advance(10);
      expect(await redriver.redriveDue()).toBe(1);
      expect(replayer.calls.map((c) => c.id)).toEqual([free.id]);
      expect(await a.dlq.get(held.id)).toMatchObject({ replayCount: 0 });
      expect((await a.dlq.getStats()).dueForRedrive).toBe(1);
      expect(eventsNamed(a.events, 'dlq.redriven').map((e) => [e.clientId, e.result])).toEqual([
        ['pay', 'held'],
        ['search', 'success'],
      ]);
    });

    it('redrives each due entry once when two instances run rounds at the same time', async () => {
      const a = await boot({ redrive: [{ after: 10 }] });
      const b = await store.boot();
      instances.push(b);
      replayer.next = async () => {
        await sleep(5);
        return { ok: true, result: 'ok' };
      };
      const stored = [];
      for (let i = 0; i < 6; i++) stored.push(await a.dlq.store(failedInput()));
      clock.advance(10);
      await Promise.all([a.redriver.redriveDue(), b.redriver.redriveDue()]);
      expect(replayer.calls.map((c) => c.id).sort()).toEqual(stored.map((e) => e.id).sort());
      expect((await a.dlq.getStats()).total).toBe(0);
    });

    it('redrives a failing entry once per due time when another instance read it due before', async () => {
      const a = await boot({ redrive: [{ after: 10, backoff: 2 }] });
      const b = await store.boot();
      instances.push(b);
      // The first redrive is slow, so the instance running it reaches the others after the
      // other instance has redriven them (failed, due again later) from the list it read.
      let first = true;
      replayer.next = async () => {
        if (first) {
          first = false;
          await sleep(100);
        }
        return {
          ok: false,
          error: new McpHttpError(503),
          errorSummary: 'HTTP 503',
          errorClass: 'http_503',
          attempts: [],
        };
      };
      const stored = [];
      for (let i = 0; i < 4; i++) stored.push(await a.dlq.store(failedInput()));
      clock.advance(10);
      await Promise.all([a.redriver.redriveDue(), b.redriver.redriveDue()]);
      expect(replayer.calls.map((c) => c.id).sort()).toEqual(stored.map((e) => e.id).sort());
      for (const entry of stored) {
        expect(await a.dlq.get(entry.id)).toMatchObject({
          status: 'dead',
          redriveCount: 1,
          nextRedriveAt: new Date(clock.now() + 20).toISOString(),
        });
      }
      expect((await a.dlq.getStats()).dueForRedrive).toBe(4);
    });

    it('leaves an entry under replay to its replay: cleanup, retention and the cap pass it over', async () => {
      const a = await boot({ ttlMs: 1000, maxEntries: 2 });
      const storage = a.dlq.activeStorage();
      const busy = await a.dlq.store(failedInput());
      const idle = await a.dlq.store(failedInput());
      let fail!: () => void;
      replayer.next = () =>
        new Promise((resolve) => {
          fail = () =>
            resolve({
              ok: false,
              error: new McpHttpError(503),
              errorSummary: 'HTTP 503',
              errorClass: 'http_503',
              attempts: [],
            });
        });
      const replaying = a.replays.replay(busy.id).catch((e: unknown) => e);
      await until(() => replayer.calls.length === 1);
      clock.advance(10);
      expect(await a.dlq.cleanup(1)).toBe(1);
      expect(await storage.read([busy.id, idle.id])).toEqual([
        expect.objectContaining({ id: busy.id, status: 'replaying' }),
        null,
      ]);
      // Past its TTL and the oldest beyond the cap: the stores' sweep and eviction leave it.
      clock.advance(1000);
      const later = [await a.dlq.store(failedInput()), await a.dlq.store(failedInput())];
      expect((await storage.read([busy.id]))[0]).toMatchObject({ status: 'replaying' });

      fail();
      expect(await replaying).toBeInstanceOf(McpHttpError);
      expect((await storage.read([busy.id]))[0]).toMatchObject({
        status: 'dead',
        replayCount: 1,
        error: 'HTTP 503',
      });
      // The replay has ended: the next pass removes it.
      await a.dlq.store(failedInput());
      expect(await storage.read([busy.id, later[0].id])).toEqual([null, null]);
    });

    it('runs a bulk replay job over a snapshot, high priority first, with progress', async () => {
      const { dlq: queue, jobs } = await boot();
      const low = await queue.store(failedInput({ priority: 'low' }));
      const high = await queue.store(failedInput({ priority: 'high' }));
      const unknown = await queue.store(failedInput({ deliveryUnknown: true }));
      const elsewhere = await queue.store(failedInput({ clientId: 'slack' }));
      replayer.next = (entry) =>
        Promise.resolve(
          entry.id === low.id
            ? {
                ok: false,
                error: new McpHttpError(503),
                errorSummary: 'HTTP 503',
                errorClass: 'http_503',
                attempts: [],
              }
            : { ok: true, result: 'ok' },
        );
      const job = await jobs.start({ filter: { clientId: 'github' }, ratePerSecond: 1000 });
      expect(job).toMatchObject({ state: 'running', total: 3, done: 0 });
      // Stored after the snapshot: not part of the job.
      const late = await queue.store(failedInput());
      await jobs.settled(job.id);
      expect(await jobs.get(job.id)).toMatchObject({
        state: 'done',
        total: 3,
        done: 3,
        succeeded: 1,
        failed: 1,
        skipped: 1,
      });
      expect(replayer.calls.map((c) => c.id)).toEqual([high.id, low.id]);
      expect(await queue.get(unknown.id)).not.toBeNull();
      expect(await queue.get(elsewhere.id)).not.toBeNull();
      expect(await queue.get(late.id)).not.toBeNull();
      expect((await jobs.list()).map((j) => j.id)).toContain(job.id);
      expect(isDlqValidationError(await jobs.get('nope').catch((e: unknown) => e))).toBe(true);
      expect(
        isDlqValidationError(await jobs.start({ concurrency: 0 }).catch((e: unknown) => e)),
      ).toBe(true);
    });

    it('cancels a running job, and another instance resumes a job whose instance died', async () => {
      const a = await boot();
      for (let i = 0; i < 6; i++) await a.dlq.store(failedInput());
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      replayer.next = async () => {
        await gate;
        return { ok: true, result: 'ok' };
      };
      const job = await a.jobs.start({ concurrency: 2, ratePerSecond: 1000 });
      await vi.waitFor(() => expect(replayer.calls).toHaveLength(2), { timeout: 5000 });
      expect((await a.jobs.cancel(job.id))?.state).toBe('cancelled');
      release();
      await a.jobs.settled(job.id);
      expect(await a.jobs.get(job.id)).toMatchObject({ state: 'cancelled', done: 2, succeeded: 2 });
      expect(replayer.calls).toHaveLength(2);

      // An instance that recorded a job and died before running it: its lease is not held.
      const storage = a.dlq.activeStorage();
      const orphan = { ...(await a.jobs.get(job.id))!, id: '00000000-0000-4000-8000-000000000001' };
      // The cancelled job dropped its snapshot: the orphan takes the entries still there.
      expect(await storage.jobSnapshot(job.id, 0, 10)).toEqual([]);
      const rest = (await a.dlq.list()).items.map((entry) => entry.id).reverse();
      expect(rest).toHaveLength(4);
      await storage.saveJob(
        {
          id: orphan.id,
          state: JSON.stringify({ ...orphan, state: 'running', total: 4, done: 0, succeeded: 0 }),
        },
        rest,
      );
      const b = await store.boot();
      instances.push(b);
      expect(await b.jobs.resumeOrphans()).toBe(1);
      await b.jobs.settled(orphan.id);
      expect(await b.jobs.get(orphan.id)).toMatchObject({ state: 'done', done: 4, succeeded: 4 });
      expect((await a.dlq.getStats()).total).toBe(0);
    });

    it('refuses a ninth bulk replay job while eight run; a finished job drops its snapshot', async () => {
      const a = await boot();
      for (let i = 0; i < 9; i++) await a.dlq.store(failedInput({ clientId: `c${i}` }));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      replayer.next = async () => {
        await gate;
        return { ok: true, result: 'ok' };
      };
      const started: BulkReplayJob[] = [];
      for (let i = 0; i < 8; i++)
        started.push(await a.jobs.start({ filter: { clientId: `c${i}` } }));
      await vi.waitFor(() => expect(replayer.calls).toHaveLength(8), { timeout: 5000 });

      const refused = await a.jobs.start({ filter: { clientId: 'c8' } }).catch((e: unknown) => e);
      expect(isDlqJobLimitError(refused)).toBe(true);
      expect((refused as Error).message).toBe(
        'bulk replay refused: 8 jobs are running and at most 8 run at once; cancel one or wait for one to finish',
      );
      expect(await a.jobs.list()).toHaveLength(8);

      await a.jobs.cancel(started[0].id);
      const ninth = await a.jobs.start({ filter: { clientId: 'c8' } });
      expect(ninth).toMatchObject({ state: 'running', total: 1 });
      release();
      for (const job of [...started, ninth]) await a.jobs.settled(job.id);
      expect(await a.jobs.get(ninth.id)).toMatchObject({ state: 'done', succeeded: 1 });
      const storage = a.dlq.activeStorage();
      for (const job of [started[0], started[1], ninth])
        expect(await storage.jobSnapshot(job.id, 0, 10)).toEqual([]);
    });

    it('resumes an orphaned job however many finished jobs are newer', async () => {
      const a = await boot();
      const stored = [await a.dlq.store(failedInput()), await a.dlq.store(failedInput())];
      const template = await a.jobs.start({ filter: { clientId: 'nobody' } });
      await a.jobs.settled(template.id);
      const storage = a.dlq.activeStorage();
      const orphan = { ...template, id: randomUUID(), state: 'running', total: 2, done: 0 };
      const ids = stored.map((entry) => entry.id);
      await storage.saveJob({ id: orphan.id, state: JSON.stringify(orphan) }, ids);
      await sleep(5);
      for (let i = 0; i < 120; i++) {
        const done = { ...template, id: randomUUID(), state: 'done' };
        await storage.saveJob({ id: done.id, state: JSON.stringify(done) }, []);
      }
      expect((await a.jobs.list(100)).map((job) => job.id)).not.toContain(orphan.id);

      const b = await store.boot();
      instances.push(b);
      expect(await b.jobs.resumeOrphans()).toBe(1);
      await b.jobs.settled(orphan.id);
      expect(await b.jobs.get(orphan.id)).toMatchObject({ state: 'done', done: 2, succeeded: 2 });
      expect(replayer.calls.map((call) => call.id).sort()).toEqual([...ids].sort());
    });

    it('skips, after a takeover, what the dead instance replayed of its unrecorded chunk', async () => {
      const a = await boot();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await a.dlq.store(failedInput())).id);
      clock.advance(1000);
      const template = await a.jobs.start({ filter: { clientId: 'nobody' } });
      await a.jobs.settled(template.id);
      // Instance A recorded the job and its first chunk's replay counts, replayed two entries of
      // it (one failed, one succeeded) and died before recording that progress.
      const chunk = Object.fromEntries(ids.map((id) => [id, 0]));
      const orphan = { ...template, id: randomUUID(), state: 'running', total: 3, concurrency: 3 };
      const storage = a.dlq.activeStorage();
      await storage.saveJob({ id: orphan.id, state: JSON.stringify({ ...orphan, chunk }) }, ids);
      failing(replayer);
      await expect(a.replays.run(ids[0], {})).rejects.toBeInstanceOf(McpHttpError);
      replayer.next = () => Promise.resolve({ ok: true, result: 'ok' });
      await a.replays.run(ids[1], {});
      clock.advance(1000);

      const b = await store.boot();
      instances.push(b);
      expect(await b.jobs.resumeOrphans()).toBe(1);
      await b.jobs.settled(orphan.id);
      expect(replayer.calls.map((call) => call.id)).toEqual(ids);
      expect(await b.jobs.get(orphan.id)).toMatchObject({
        state: 'done',
        done: 3,
        succeeded: 1,
        failed: 0,
        skipped: 2,
      });
      expect((await a.dlq.get(ids[0]))?.replayCount).toBe(1);
      const stored = JSON.parse((await storage.job(orphan.id))!.state) as Record<string, unknown>;
      expect(stored.chunk).toBeUndefined();
    });

    // An instance cut off from the store past its job lease: another took the job over and ran it.
    it('never renews a job lease that ran out: a renewal refuses it, where a new lease takes it', async () => {
      const a = await boot();
      const storage = a.dlq.activeStorage();
      expect(await storage.lease('job:j', 'a', 1000, clock.now())).toBe(true);
      expect(await storage.renewLease('job:j', 'a', 1000, clock.now())).toBe(true);
      await sleep(1100);
      clock.advance(1100);
      expect(await storage.renewLease('job:j', 'a', 1000, clock.now())).toBe(false);
      expect(await storage.lease('job:j', 'b', 1000, clock.now())).toBe(true);
      expect(await storage.renewLease('job:j', 'a', 1000, clock.now())).toBe(false);
      expect(await storage.renewLease('job:j', 'b', 1000, clock.now())).toBe(true);
    });

    it('refuses a stale save of a job: it never reopens a finished job nor lowers its progress', async () => {
      const a = await boot();
      const storage = a.dlq.activeStorage();
      const id = randomUUID();
      const saved = async () => JSON.parse((await storage.job(id))!.state) as BulkReplayJob;
      const save = (job: Partial<BulkReplayJob>) =>
        storage.saveJob({ id, state: JSON.stringify({ id, total: 40, ...job }) });
      await save({ state: 'running', done: 8 });
      await save({ state: 'running', done: 4 });
      expect(await saved()).toMatchObject({ state: 'running', done: 8 });
      await save({ state: 'done', done: 40 });
      await save({ state: 'running', done: 40 });
      expect(await saved()).toMatchObject({ state: 'done', done: 40 });
    });

    it('keeps a job whose chunk outlasts the job lease: no other instance takes it over', async () => {
      // The job lease follows the replay lease: 3 s, long enough to survive a stall of the loaded
      // machine (a Redis lease runs on real time), and the chunk runs past it on both clocks.
      const a = await boot({ replayLeaseMs: 3000 });
      const b = await store.boot();
      instances.push(b);
      await a.dlq.store(failedInput());
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      replayer.next = async () => {
        await gate;
        return { ok: true, result: 'ok' };
      };
      const job = await a.jobs.start({});
      await vi.waitFor(() => expect(replayer.calls).toHaveLength(1), { timeout: 5000 });
      for (let i = 0; i < 4; i++) {
        await sleep(1000);
        clock.advance(1000);
      }
      expect(await b.jobs.resumeOrphans()).toBe(0);
      release();
      await a.jobs.settled(job.id);
      expect(replayer.calls).toHaveLength(1);
      expect(await a.jobs.get(job.id)).toMatchObject({ state: 'done', succeeded: 1, skipped: 0 });
      expect((await a.dlq.getStats()).total).toBe(0);
    });

    it('starts no replay of a cancelled job that was still waiting for its turn', async () => {
      const a = await boot();
      for (let i = 0; i < 3; i++) await a.dlq.store(failedInput());
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      replayer.next = async () => {
        await gate;
        return { ok: true, result: 'ok' };
      };
      // One batch of three, paced at 1/s: the second replay waits 1 s, the third 2 s (the
      // cancel must reach the store before the second's turn, even on a loaded machine).
      const job = await a.jobs.start({ concurrency: 3, ratePerSecond: 1 });
      await vi.waitFor(() => expect(replayer.calls).toHaveLength(1), { timeout: 5000 });
      await a.jobs.cancel(job.id);
      release();
      await a.jobs.settled(job.id);

      expect(replayer.calls).toHaveLength(1);
      expect(await a.jobs.get(job.id)).toMatchObject({ state: 'cancelled', done: 1, succeeded: 1 });
      expect((await a.dlq.getStats()).total).toBe(2);
    });

    it('keeps a cancelled job cancelled when a progress save races the cancel, with its counts', async () => {
      const a = await boot();
      const storage = a.dlq.activeStorage();
      const id = '00000000-0000-4000-8000-000000000002';
      const record = (fields: object) => ({ id, state: JSON.stringify({ id, ...fields }) });
      await storage.saveJob(record({ state: 'running', total: 5, done: 0 }), ['a', 'b']);
      await storage.saveJob(record({ state: 'cancelled', total: 5, done: 0 }));

      await storage.saveJob(record({ state: 'running', total: 5, done: 2 }));

      const saved = await storage.job(id);
      expect(JSON.parse(saved!.state)).toEqual({ id, state: 'cancelled', total: 5, done: 2 });
    });
  });
}

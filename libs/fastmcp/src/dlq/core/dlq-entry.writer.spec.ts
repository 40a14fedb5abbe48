import { describe, expect, it } from 'vitest';
import { failedInput } from '../../../../../test/support/dlq/dlq-test-context.js';
import { FastMcpEvents } from '../../events/fastmcp-events.service.js';
import { MemoryDlqStorage } from '../memory/memory-dlq.storage.js';
import { DlqEntryBuilder } from './dlq-entry.builder.js';
import { DlqEntryWriter, evictionSlack } from './dlq-entry.writer.js';
import { DlqNotifier } from './dlq-notifier.js';

function writerWithEvents(): { writer: DlqEntryWriter; stored: string[] } {
  const events = new FastMcpEvents();
  const stored: string[] = [];
  events.on('dlq.stored', (event) => stored.push(event.id));
  const writer = new DlqEntryWriter(
    new MemoryDlqStorage(),
    { maxEntries: 1000, dedupWindowMs: 0, now: () => Date.now(), dueAt: () => 0 },
    new DlqNotifier(events),
  );
  return { writer, stored };
}

const builder = new DlqEntryBuilder({ ttlMs: 60_000, maxArgumentBytes: 4096, secretHeaders: [] });

describe('DlqEntryWriter', () => {
  it('announces a failure once when a second try finds its first landed (answer lost)', async () => {
    const { writer, stored } = writerWithEvents();
    const entry = builder.build(failedInput(), Date.now());

    const first = await writer.write(entry);
    const again = await writer.write(entry);

    expect([first.outcome, again.outcome]).toEqual(['stored', 'known']);
    expect(stored).toEqual([entry.id]);
  });

  it('announces a failure whose only answer was "known" (written by a try that lost its answer)', async () => {
    const storage = new MemoryDlqStorage();
    const events = new FastMcpEvents();
    const stored: string[] = [];
    events.on('dlq.stored', (event) => stored.push(event.id));
    const rules = { maxEntries: 1000, dedupWindowMs: 0, now: () => Date.now(), dueAt: () => 0 };
    const entry = builder.build(failedInput(), Date.now());
    // The try whose answer was lost, by a writer whose events nobody hears.
    await new DlqEntryWriter(storage, rules, new DlqNotifier(new FastMcpEvents())).write(entry);

    const retried = await new DlqEntryWriter(storage, rules, new DlqNotifier(events)).write(entry);

    expect(retried.outcome).toBe('known');
    expect(stored).toEqual([entry.id]);
  });

  it('skips a known id on import without announcing it', async () => {
    const { writer, stored } = writerWithEvents();
    const entry = builder.build(failedInput(), Date.now());
    await writer.write(entry, 'import');

    const again = await writer.write(entry, 'import');

    expect(again.outcome).toBe('known');
    expect(stored).toEqual([entry.id]);
  });

  it('counts a folded failure once when its write is tried again (first answer lost)', async () => {
    const storage = new MemoryDlqStorage();
    let now = Date.now();
    const rules = { maxEntries: 1000, dedupWindowMs: 60_000, now: () => now, dueAt: () => 0 };
    const writer = new DlqEntryWriter(storage, rules, new DlqNotifier(new FastMcpEvents()));
    const input = failedInput({ arguments: { query: 'same' } });
    const [first, second, third] = [1, 2, 3].map(() => builder.build(input, now));

    expect((await writer.write(first)).outcome).toBe('stored');
    expect(await writer.write(second)).toMatchObject({ outcome: 'folded' });
    // The buffer's retry of the same failure, once right away and once after the window.
    expect(await writer.write(second)).toMatchObject({
      outcome: 'folded',
      entry: { id: first.id },
    });
    // Two tries of one failure at once: the second waits its turn, then finds it folded.
    const both = await Promise.all([writer.write(third), writer.write(third)]);
    expect(both.map((result) => result.outcome)).toEqual(['folded', 'folded']);
    now += 120_000;
    expect(await writer.write(second)).toMatchObject({ outcome: 'folded' });

    const [stored] = await storage.read([first.id]);
    expect(stored).toMatchObject({ occurrences: 3 });
    expect(await storage.read([second.id, third.id])).toEqual([null, null]);
  });
});

describe('DlqEntryWriter at its cap', () => {
  function cappedWriter(maxEntries: number) {
    const storage = new MemoryDlqStorage();
    let trims = 0;
    let sweeps = 0;
    const evictBeyond = storage.evictBeyond.bind(storage);
    storage.evictBeyond = (max, now) => {
      trims += 1;
      return evictBeyond(max, now);
    };
    const sweep = storage.sweep.bind(storage);
    storage.sweep = (...args) => {
      sweeps += 1;
      return sweep(...args);
    };
    const rules = { maxEntries, dedupWindowMs: 0, now: () => Date.now(), dueAt: () => 0 };
    const writer = new DlqEntryWriter(storage, rules, new DlqNotifier(new FastMcpEvents()));
    return { writer, storage, trims: () => trims, sweeps: () => sweeps };
  }

  it('evicts 1 % below a cap of 1,000, so a full queue trims once every 11 stores', async () => {
    const { writer, storage, trims } = cappedWriter(1000);
    const fill = Array.from({ length: 1000 }, () => builder.build(failedInput(), Date.now()));
    for (const entry of fill) await writer.write(entry);
    expect(trims()).toBe(0);

    for (let i = 0; i < 25; i += 1) await writer.write(builder.build(failedInput(), Date.now()));

    // Store 1,001 trims to 990; the next 10 fit; the 11th trims again, and so on.
    expect(trims()).toBe(3);
    expect((await storage.stats(Date.now())).total).toBe(992);
    expect(evictionSlack(1000)).toBe(10);
    expect(evictionSlack(99)).toBe(0);
    expect(evictionSlack(10_000_000)).toBe(400);
  });

  it('leaves expired entries to the sweep: a store under the cap does not wait for one', async () => {
    const { writer, storage, sweeps } = cappedWriter(1000);
    const shortLived = new DlqEntryBuilder({ ttlMs: 1, maxArgumentBytes: 4096, secretHeaders: [] });
    const expired = shortLived.build(failedInput(), Date.now() - 60_000);
    await writer.write(expired);

    await writer.write(builder.build(failedInput(), Date.now()));

    expect(sweeps()).toBe(0);
    expect((await storage.stats(Date.now())).total).toBe(2);
    expect(await writer.trim()).toBe(1);
  });

  it('lets stores that arrive together share a trim, and holds the cap when they return', async () => {
    const { writer, storage, trims } = cappedWriter(5);
    const entries = Array.from({ length: 40 }, () => builder.build(failedInput(), Date.now()));
    await Promise.all(entries.map((entry) => writer.write(entry)));
    expect((await storage.stats(Date.now())).total).toBe(5);
    expect(trims()).toBeLessThan(10);
  });

  it('trims after each store that finds the queue over its cap, one at a time', async () => {
    const { writer, storage, trims } = cappedWriter(2);
    for (let i = 0; i < 6; i += 1) await writer.write(builder.build(failedInput(), Date.now()));
    expect((await storage.stats(Date.now())).total).toBe(2);
    expect(trims()).toBe(4);
  });
});

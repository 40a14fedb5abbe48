import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMetricsTestModule,
  type MetricsTestModule,
} from '../../../../test/support/metrics/metrics-test-module.js';
import type { DlqStats } from '../dlq/core/dead-letter-queue.interface.js';
import { DLQ_STATS_TIMEOUT_MS } from './dlq-stats.cache.js';
import { FASTMCP_METRICS_CLOCK } from './fastmcp-metrics.constants.js';

/** A queue that answers `getStats()` and its buffer's size only; enough for the gauges. */
class FakeStatsStore {
  readonly enabled = true;
  bufferedCount = 0;
  calls = 0;
  next: () => Promise<DlqStats> = () => Promise.resolve(stats(0, null));

  getStats(): Promise<DlqStats> {
    this.calls += 1;
    return this.next();
  }
}

const stats = (total: number, oldestAgeSeconds: number | null): DlqStats => ({
  total,
  oldestAgeSeconds,
  byOperation: {},
  byClientId: {},
  byErrorClass: {},
  byPriority: {},
  dueForRedrive: 0,
  clientIdCount: 0,
  errorClassCount: 0,
  newestAt: null,
});

describe('DLQ gauges', () => {
  let booted: MetricsTestModule | undefined;
  let now = 1_000_000;
  const store = new FakeStatsStore();

  const boot = async (): Promise<MetricsTestModule> => {
    booted = await createMetricsTestModule({
      dlq: store,
      providers: [{ provide: FASTMCP_METRICS_CLOCK, useValue: () => now }],
    });
    return booted;
  };
  const gauges = async ({ registry }: MetricsTestModule): Promise<string[]> => {
    const text = await registry.metrics();
    return text
      .split('\n')
      .filter((l) => /^fastmcp_dlq_(entries|oldest_entry_age_seconds) /.test(l));
  };

  afterEach(async () => {
    vi.useRealTimers();
    await booted?.moduleRef.close();
    store.calls = 0;
    store.bufferedCount = 0;
    store.next = () => Promise.resolve(stats(0, null));
  });

  it('reads the write buffer at every scrape, uncached, while the store fails too', async () => {
    const module = await boot();
    const buffered = async (): Promise<string[]> =>
      (await module.registry.metrics())
        .split('\n')
        .filter((l) => l.startsWith('fastmcp_dlq_buffered_entries '));
    store.next = () => Promise.reject(new Error('store down'));
    store.bufferedCount = 3;
    expect(await buffered()).toEqual(['fastmcp_dlq_buffered_entries 3']);
    store.bufferedCount = 0;
    expect(await buffered()).toEqual(['fastmcp_dlq_buffered_entries 0']);
  });

  it('reads the store at scrape time, at most once per 5 s', async () => {
    const app = await boot();
    store.next = () => Promise.resolve(stats(4, 120.5));
    expect(await gauges(app)).toEqual([
      'fastmcp_dlq_entries 4',
      'fastmcp_dlq_oldest_entry_age_seconds 120.5',
    ]);
    expect(store.calls).toBe(1);

    store.next = () => Promise.resolve(stats(9, 300));
    now += 4_999;
    await Promise.all([gauges(app), gauges(app), gauges(app)]);
    expect(await gauges(app)).toEqual([
      'fastmcp_dlq_entries 4',
      'fastmcp_dlq_oldest_entry_age_seconds 120.5',
    ]);
    expect(store.calls).toBe(1);

    now += 1;
    expect(await gauges(app)).toEqual([
      'fastmcp_dlq_entries 9',
      'fastmcp_dlq_oldest_entry_age_seconds 300',
    ]);
    expect(store.calls).toBe(2);
  });

  it('shares one read between concurrent scrapes', async () => {
    const app = await boot();
    await Promise.all([gauges(app), gauges(app), app.registry.metrics()]);
    expect(store.calls).toBe(1);
  });

  it('keeps the last values when the store is unreachable, and the scrape succeeds', async () => {
    const app = await boot();
    store.next = () => Promise.resolve(stats(2, 10));
    await gauges(app);
    store.next = () => Promise.reject(new Error('ECONNREFUSED'));
    now += 5_000;
    expect(await gauges(app)).toEqual([
      'fastmcp_dlq_entries 2',
      'fastmcp_dlq_oldest_entry_age_seconds 10',
    ]);
    // The failed read is cached too: no retry storm against a store that is down.
    await gauges(app);
    expect(store.calls).toBe(2);
  });

  it('does not wait for a store that hangs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const app = await boot();
    store.next = () => new Promise<DlqStats>(() => undefined);
    const scrape = gauges(app);
    await vi.advanceTimersByTimeAsync(DLQ_STATS_TIMEOUT_MS);
    expect(await scrape).toEqual([
      'fastmcp_dlq_entries Nan',
      'fastmcp_dlq_oldest_entry_age_seconds Nan',
    ]);
  });

  it('shows NaN, not an empty queue, until the store has answered once', async () => {
    const app = await boot();
    store.next = () => Promise.reject(new Error('ECONNREFUSED'));
    const text = await app.registry.metrics();
    expect(text.split('\n').filter((l) => /^fastmcp_dlq_\w*(entries|seconds) /.test(l))).toEqual([
      'fastmcp_dlq_entries Nan',
      'fastmcp_dlq_oldest_entry_age_seconds Nan',
      'fastmcp_dlq_due_entries Nan',
      // Counted in this process: known whatever the store says.
      'fastmcp_dlq_buffered_entries 0',
    ]);
    store.next = () => Promise.resolve(stats(3, 60));
    now += 5_000;
    expect(await gauges(app)).toEqual([
      'fastmcp_dlq_entries 3',
      'fastmcp_dlq_oldest_entry_age_seconds 60',
    ]);
  });

  it('shows 0 when there is no DLQ (dlq: false)', async () => {
    booted = await createMetricsTestModule({ options: { dlq: false } });
    expect(await gauges(booted)).toEqual([
      'fastmcp_dlq_entries 0',
      'fastmcp_dlq_oldest_entry_age_seconds 0',
    ]);
  });
});

import { Inject, Injectable, Optional } from '@nestjs/common';
import { DeadLetterQueueService } from '../dlq/core/dead-letter-queue.service.js';
import { withTimeout } from '../dlq/core/dlq-runtime.js';
import { DLQ_STATS_CACHE_MS, FASTMCP_METRICS_CLOCK } from './fastmcp-metrics.constants.js';
import { InertLogger } from '../logging/inert-logger.js';

/** What the DLQ gauges show. */
export interface DlqGaugeValues {
  entries: number;
  oldestAgeSeconds: number;
  /** Entries waiting for an automatic redrive. */
  dueEntries: number;
}

/** What the gauges read from `DeadLetterQueueService`. */
export type DlqStatsSource = Pick<DeadLetterQueueService, 'enabled' | 'getStats' | 'bufferedCount'>;

/**
 * Before the store has answered once, what the gauges show: not a number, rather than a 0 that
 * reads as an empty queue while dead letters may be piling up in the write buffer.
 */
const UNKNOWN: DlqGaugeValues = { entries: NaN, oldestAgeSeconds: NaN, dueEntries: NaN };

/** `() => epoch ms`. */
export type MetricsClock = () => number;

/** A stats read slower than this keeps the last values, so a scrape never hangs on the store. */
export const DLQ_STATS_TIMEOUT_MS = 1_000;

/**
 * Reads `DeadLetterQueueService.getStats()` for the DLQ gauges at most once per 5 s, however many
 * scrapes arrive; concurrent scrapes share one read. When the store fails or is slow, the last
 * values stay (NaN before the first success) and `read()` still resolves. Null: no DLQ.
 */
@Injectable()
export class DlqStatsCache {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private last: DlqGaugeValues = UNKNOWN;
  private readAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<DlqGaugeValues | null> | null = null;
  private failing = false;

  constructor(
    @Inject(FASTMCP_METRICS_CLOCK) private readonly now: MetricsClock,
    @Optional()
    @Inject(DeadLetterQueueService)
    private readonly dlq: DlqStatsSource | null = null,
  ) {}

  /** Dead letters in the write buffer now: counted in memory, so never cached nor unknown. */
  bufferedEntries(): number {
    return this.dlq?.enabled ? this.dlq.bufferedCount : 0;
  }

  read(): Promise<DlqGaugeValues | null> {
    const dlq = this.dlq;
    if (!dlq?.enabled) return Promise.resolve(null);
    if (this.now() - this.readAt < DLQ_STATS_CACHE_MS) return Promise.resolve(this.last);
    this.pending ??= this.refresh(dlq).finally(() => (this.pending = null));
    return this.pending;
  }

  private async refresh(dlq: DlqStatsSource): Promise<DlqGaugeValues | null> {
    try {
      const stats = await withTimeout(
        dlq.getStats(),
        DLQ_STATS_TIMEOUT_MS,
        () => new Error(`getStats() took over ${DLQ_STATS_TIMEOUT_MS}ms`),
      );
      this.last = {
        entries: stats.total,
        oldestAgeSeconds: stats.oldestAgeSeconds ?? 0,
        dueEntries: stats.dueForRedrive ?? 0,
      };
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          `DLQ stats unavailable, DLQ gauges keep their last values (error: ${String(error)})`,
          { event: 'dlq.stats_failed' },
        );
      }
      this.failing = true;
    }
    this.readAt = this.now();
    return this.last;
  }
}

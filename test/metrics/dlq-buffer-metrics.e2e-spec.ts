// The DLQ's write buffer in the metrics, with a real Redis that goes away: the dead letters held
// in memory (fastmcp_dlq_buffered_entries) and those that could be neither stored nor held
// (fastmcp_dlq_lost_to_log_total), which the store's own gauges cannot show.
import { Test, type TestingModule } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeadLetterQueueService, FastMcpModule } from '@app/fastmcp';
import { FASTMCP_METRICS_REGISTRY } from '../../libs/fastmcp/src/metrics/fastmcp-metrics.constants.js';
import { failedInput } from '../support/dlq/dlq-test-context.js';
import { checkMetricsText } from '../support/metrics/promtool.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';

const value = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe('DLQ write buffer metrics (real Redis, stopped and started again)', () => {
  let redis: RedisServerHandle;
  let moduleRef: TestingModule;
  let dlq: DeadLetterQueueService;
  const registry = new Registry();

  beforeAll(async () => {
    redis = await startRedisServer();
    moduleRef = await Test.createTestingModule({
      imports: [
        FastMcpModule.forRoot({
          servers: {},
          dlq: {
            redis: { url: redis.url },
            keyPrefix: 'buffer-metrics',
            bufferSize: 2,
            spillFile: false,
          },
          extraProviders: [{ provide: FASTMCP_METRICS_REGISTRY, useValue: registry }],
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    dlq = moduleRef.get(DeadLetterQueueService);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await redis?.close();
  });

  it('counts what waits in memory while Redis is away, and what the full buffer sent to the log', async () => {
    await dlq.store(failedInput());
    let text = await registry.metrics();
    expect(value(text, 'fastmcp_dlq_buffered_entries')).toBe(0);
    expect(value(text, 'fastmcp_dlq_lost_to_log_total')).toBe(0);

    await redis.stop();
    const during: string[] = [];
    for (let i = 0; i < 3; i++) during.push((await dlq.store(failedInput())).id);
    text = await registry.metrics();
    // Two held (bufferSize 2); the third found the buffer full and went to the log.
    expect(value(text, 'fastmcp_dlq_buffered_entries')).toBe(2);
    expect(value(text, 'fastmcp_dlq_lost_to_log_total')).toBe(1);
    expect(value(text, 'fastmcp_dlq_store_failures_total')).toBe(3);
    expect(checkMetricsText(text)).toEqual({ status: 0, output: '' });

    await redis.start();
    // ioredis reconnects on its own backoff: flush until the store takes the buffer.
    await vi.waitFor(
      async () => {
        await dlq.flushBuffer();
        expect(dlq.bufferedCount).toBe(0);
      },
      { timeout: 20_000, interval: 250 },
    );
    text = await registry.metrics();
    expect(value(text, 'fastmcp_dlq_buffered_entries')).toBe(0);
    expect(value(text, 'fastmcp_dlq_lost_to_log_total')).toBe(1);
    // The two held entries are stored now (Redis restarted empty: tests run it without persistence).
    const stored = (await dlq.list({ limit: 10 })).items.map((entry) => entry.id);
    expect(stored.sort()).toEqual(during.slice(0, 2).sort());
  });
});

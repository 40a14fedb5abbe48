import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DeadLetterQueueService,
  DlqBulkReplayService,
  DlqReplayService,
  type FailedOperation,
  isRetryExhaustedError,
} from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/fault-proxy.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';

const LEASE_MS = 3000;

/**
 * Redis goes away while a replay's call runs and comes back before the replay's lease would run
 * out: the replay's end (the removal of an entry that succeeded, the write-back of one that
 * failed) is written when Redis is back, rather than left to the lease, whose end would mark the
 * entry deliveryUnknown (a call that may have run) whatever the call did.
 */
describe('replays through a brief Redis outage', () => {
  let redis: RedisServerHandle;
  let server: CountingToolsServer;
  let proxy: FaultProxy;
  let app: ClientTestApp | undefined;

  beforeAll(async () => {
    [redis, server] = await Promise.all([
      startRedisServer({ persistent: true }),
      startCountingToolsServer(),
    ]);
    proxy = await startFaultProxy(server.url);
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await redis.start();
    proxy.clear();
    server.reset();
  });

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
    await redis?.close();
  });

  async function boot(initialDelayMs: number, maxRetries: number) {
    app = await startClientApp({
      servers: { shop: { url: proxy.url } },
      retry: { maxRetries, initialDelayMs, maxDelayMs: initialDelayMs, requestTimeoutMs: 5000 },
      resilience: { circuitBreaker: { consecutiveFailures: 1000 } },
      dlq: {
        redis: { url: redis.url },
        replayLeaseMs: LEASE_MS,
        redriveIntervalMs: 200,
        keyPrefix: `outage-${Date.now()}`,
      },
    });
    return {
      client: app.client,
      queue: app.moduleRef.get(DeadLetterQueueService),
      replays: app.moduleRef.get(DlqReplayService),
      bulk: app.moduleRef.get(DlqBulkReplayService),
    };
  }

  async function deadPay(
    client: ClientTestApp['client'],
    queue: DeadLetterQueueService,
    id = 'p1',
  ): Promise<FailedOperation> {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(400), times: 1 });
    await expect(client.callToolWithRetry('shop', 'pay', { id })).rejects.toThrow();
    const entry = (await queue.list()).items.find((item) => item.arguments?.id === id);
    expect(entry).toMatchObject({ toolName: 'pay', errorClass: 'http_400' });
    return entry!;
  }

  /** Redis stops `downAtMs` after now and starts again `upAtMs` after now. */
  async function outage(downAtMs: number, upAtMs: number): Promise<void> {
    await sleep(downAtMs);
    await redis.stop();
    await sleep(upAtMs - downAtMs);
    await redis.start();
  }

  it('removes the entry of a replay that succeeded once Redis is back', async () => {
    const { client, queue, replays } = await boot(10, 0);
    const entry = await deadPay(client, queue);
    server.slowNext('pay', 800);
    const [result] = await Promise.all([replays.replay(entry.id), outage(200, 1300)]);

    expect(result).toMatchObject({ id: entry.id });
    expect(server.executions('pay')).toBe(1);
    expect(await queue.get(entry.id)).toBeNull();
    // Past the lease's life the entry is still gone: it was removed, not left to run out.
    await sleep(LEASE_MS);
    expect(await queue.get(entry.id)).toBeNull();
    expect((await queue.getStats()).total).toBe(0);
  });

  it('writes back the failure of a replay that failed once Redis is back, not deliveryUnknown', async () => {
    const { client, queue, replays } = await boot(900, 1);
    const entry = await deadPay(client, queue);
    // Both attempts of the replay get a 503; Redis is down from within the backoff between them.
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503), times: 2 });
    const [error] = await Promise.all([
      replays.replay(entry.id).catch((e: unknown) => e),
      outage(300, 1500),
    ]);

    expect(isRetryExhaustedError(error)).toBe(true);
    await sleep(LEASE_MS);
    const after = await queue.get(entry.id);
    expect(after).toMatchObject({ status: 'dead', replayCount: 1, errorClass: 'http_503' });
    expect(after?.deliveryUnknown).toBeUndefined();
    expect(server.executions('pay')).toBe(0);
  });

  it('a bulk job runs every entry once, and counts each as it ended, across the outage', async () => {
    const { client, queue, bulk } = await boot(10, 0);
    const ids = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
    for (const id of ids) await deadPay(client, queue, id);
    // One chunk of six, a replay every 200 ms; Redis is away for the third to the fifth.
    const job = await bulk.start({ ratePerSecond: 5, concurrency: 6 });
    await outage(300, 900);
    await vi.waitFor(async () => expect((await bulk.get(job.id))?.state).toBe('done'), {
      timeout: 20_000,
      interval: 200,
    });

    expect(await bulk.get(job.id)).toMatchObject({ total: 6, done: 6, succeeded: 6, failed: 0 });
    expect(ids.map((id) => server.executionsById().get(`pay:${id}`))).toEqual(ids.map(() => 1));
    expect((await queue.getStats()).total).toBe(0);
  });
});

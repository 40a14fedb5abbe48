import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
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
describe('a replay whose end meets a brief Redis outage', () => {
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
      dlq: { redis: { url: redis.url }, replayLeaseMs: LEASE_MS, keyPrefix: `end-${Date.now()}` },
    });
    return {
      client: app.client,
      queue: app.moduleRef.get(DeadLetterQueueService),
      replays: app.moduleRef.get(DlqReplayService),
    };
  }

  async function deadPay(
    client: ClientTestApp['client'],
    queue: DeadLetterQueueService,
  ): Promise<FailedOperation> {
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(400), times: 1 });
    await expect(client.callToolWithRetry('shop', 'pay', { id: 'p1' })).rejects.toThrow();
    const [entry] = (await queue.list()).items;
    expect(entry).toMatchObject({ toolName: 'pay', errorClass: 'http_400' });
    return entry;
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
});

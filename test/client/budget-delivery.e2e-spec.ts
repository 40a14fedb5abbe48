import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  DlqReplayService,
  isMcpTimeoutError,
  isReplayConflictError,
} from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/fault-proxy.js';
import { findFreePort } from '../support/free-port.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';

/**
 * A call's budget (`timeoutMs`) runs out: its dead letter says whether the call may have run,
 * so a replay without `force` never runs a tool twice.
 */
describe('a call whose budget ran out while its request was out', () => {
  let redis: RedisServerHandle;
  let server: CountingToolsServer;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  let dlq: DeadLetterQueueService;

  beforeAll(async () => {
    [redis, server] = await Promise.all([startRedisServer(), startCountingToolsServer()]);
    proxy = await startFaultProxy(server.url);
    const refused = `http://127.0.0.1:${await findFreePort()}/mcp`;
    app = await startClientApp({
      servers: {
        shop: { url: proxy.url },
        safe: { url: proxy.url, tools: { pay: { retry: 'always' } } },
        down: { url: refused },
      },
      retry: { maxRetries: 100, requestTimeoutMs: 5000 },
      resilience: { circuitBreaker: { consecutiveFailures: 1000 } },
      dlq: { redis: { url: redis.url }, keyPrefix: 'budget-delivery' },
    });
    dlq = app.moduleRef.get(DeadLetterQueueService);
  });

  afterEach(async () => {
    proxy.clear();
    server.reset();
    const page = await dlq.list({ limit: 500 });
    await Promise.all(page.items.map((entry) => dlq.delete(entry.id)));
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
    await redis?.close();
  });

  /** The budget runs out in the wait before a retry, never while a request is out. */
  const betweenAttempts = { timeoutMs: 300, retry: { initialDelayMs: 1000, maxDelayMs: 1000 } };

  const onlyEntry = async () => {
    const { items } = await dlq.list();
    expect(items).toHaveLength(1);
    return items[0];
  };

  it('pay (not safe to repeat) is dead-lettered deliveryUnknown; replay needs force', async () => {
    server.slowNext('pay', 1500);
    const error = await app.client
      .callToolWithRetry('shop', 'pay', { id: 'budget' }, { timeoutMs: 400 })
      .catch((e: unknown) => e);
    expect(isMcpTimeoutError(error) && error.scope === 'budget').toBe(true);
    expect((error as { delivery?: string }).delivery).toBe('unknown');
    const entry = await onlyEntry();
    expect(entry).toMatchObject({ errorClass: 'budget_exhausted', deliveryUnknown: true });
    expect(server.executions('pay')).toBe(1);

    const refused = await app.moduleRef
      .get(DlqReplayService)
      .replay(entry.id)
      .catch((e: unknown) => e);
    expect(isReplayConflictError(refused)).toBe(true);
    expect(server.executions('pay')).toBe(1);
  });

  it.each([
    {
      name: 'a tool marked safe to repeat',
      run: () => {
        server.slowNext('pay', 1500);
        return app.client.callToolWithRetry('safe', 'pay', { id: 'safe' }, { timeoutMs: 400 });
      },
    },
    {
      name: 'tools/list',
      run: () => {
        proxy.inject({ match: { method: 'tools/list' }, fault: faults.hang() });
        return app.client.listToolsWithRetry('shop', { timeoutMs: 400 });
      },
    },
    {
      name: 'pay refused by a 503, then out of budget',
      run: () => {
        proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(503) });
        return app.client.callToolWithRetry('shop', 'pay', { id: '503' }, betweenAttempts);
      },
    },
    {
      name: 'pay to a server that refuses connections, then out of budget',
      run: () => app.client.callToolWithRetry('down', 'pay', { id: 'down' }, betweenAttempts),
    },
  ])('$name is dead-lettered without deliveryUnknown', async ({ run }) => {
    const error = await run().catch((e: unknown) => e);
    expect(isMcpTimeoutError(error) && error.scope === 'budget').toBe(true);
    const entry = await onlyEntry();
    expect(entry.errorClass).toBe('budget_exhausted');
    expect(entry.deliveryUnknown).toBeUndefined();
  });
});

// A call that narrowed when a tools/call may be sent again (a 503 may follow a forwarded request
// at this gateway) must keep that rule when its dead letter is replayed: under the module's
// default [429, 503], the replay sent pay again after a 503 that came after pay ran.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  DlqReplayService,
  DlqValidationError,
  isMcpDeliveryUnknownError,
} from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import {
  type CountingToolsServer,
  startCountingToolsServer,
} from '../support/counting-tools-server.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/fault-proxy.js';

describe("a dead letter's replay keeps its call's own rule for sending again", () => {
  let server: CountingToolsServer;
  let proxy: FaultProxy;
  let app: ClientTestApp;
  let dlq: DeadLetterQueueService;

  beforeAll(async () => {
    server = await startCountingToolsServer();
    proxy = await startFaultProxy(server.url);
    app = await startClientApp({
      servers: { shop: { url: proxy.url } },
      retry: { maxRetries: 2 },
      dlq: {},
    });
    dlq = app.moduleRef.get(DeadLetterQueueService);
  });

  afterEach(async () => {
    proxy.clear();
    server.reset();
    for (const { id } of (await dlq.list()).items) await dlq.delete(id);
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.close();
  });

  it('a 503 after pay ran is not resent by the replay when the call said 503 may have run', async () => {
    // The call: refused with 429 (not delivered) until its retries run out.
    proxy.inject({ match: { method: 'tools/call' }, fault: faults.status(429), times: 3 });
    const rule = { notDeliveredStatusCodes: [429] };
    await expect(
      app.client.callToolWithRetry('shop', 'pay', { id: 'p1' }, { retry: rule }),
    ).rejects.toThrow();
    const [entry] = (await dlq.list()).items;
    expect(entry).toMatchObject({ toolName: 'pay', repeatRule: rule });
    expect(entry.deliveryUnknown).toBeUndefined();
    expect(server.executions('pay')).toBe(0);

    // The replay: pay runs, and the gateway answers 503 in its stead.
    proxy.clear();
    proxy.inject({
      match: { method: 'tools/call' },
      fault: faults.loseAnswer({ code: 503 }),
      times: 1,
    });
    const error = await app.moduleRef
      .get(DlqReplayService)
      .replay(entry.id)
      .catch((e: unknown) => e);

    expect(isMcpDeliveryUnknownError(error)).toBe(true);
    expect(server.executions('pay')).toBe(1);
    expect(await dlq.get(entry.id)).toMatchObject({ deliveryUnknown: true, replayCount: 1 });
  });

  it('refuses a stored or imported rule that is not one', async () => {
    const input = {
      operation: 'call_tool' as const,
      clientId: 'shop',
      serverUrl: proxy.url,
      toolName: 'pay',
      arguments: {},
      request: { method: 'tools/call', params: { name: 'pay' }, headers: {} },
      error: 'HTTP 429',
      errorClass: 'http_429',
      attempts: [],
      retryCount: 0,
      firstAttemptAt: new Date().toISOString(),
      failedAt: new Date().toISOString(),
    };
    for (const repeatRule of [
      { notDeliveredStatusCodes: [200] },
      { ambiguousToolCalls: 'sometimes' },
      { retries: 3 },
    ]) {
      await expect(dlq.store({ ...input, repeatRule } as never)).rejects.toBeInstanceOf(
        DlqValidationError,
      );
    }
    expect((await dlq.list()).items).toEqual([]);
  });
});

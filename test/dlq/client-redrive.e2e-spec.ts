import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeadLetterQueueService, type DlqRedrivenEvent, type DlqReplayedEvent } from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { startClientApp, type ClientTestApp } from '../support/client-test-app.js';

describe('automatic redrive through the real client and a real MCP server', () => {
  let server: DemoMcpServerHandle;
  let app: ClientTestApp;
  let dlq: DeadLetterQueueService;
  const redriven: DlqRedrivenEvent[] = [];
  const replayed: DlqReplayedEvent[] = [];

  beforeAll(async () => {
    server = await startDemoMcpServer({ flakyFailures: 0 });
    app = await startClientApp({
      servers: { demo: { url: server.url, tools: { flaky: { priority: 'high' } } } },
      retry: { maxRetries: 0 },
      resilience: { circuitBreaker: { consecutiveFailures: 1000 } },
      dlq: {
        store: 'memory',
        redrive: [{ match: { errorClass: ['http_503'] }, after: 200, maxRedrives: 3 }],
        redriveIntervalMs: 100,
      },
    });
    app.events.on('dlq.redriven', (event) => redriven.push(event));
    app.events.on('dlq.replayed', (event) => replayed.push(event));
    dlq = app.moduleRef.get(DeadLetterQueueService);
  });

  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('replays a 503 once the server is back, by itself, and empties the queue', async () => {
    server.resetFlaky(2);
    await expect(app.client.callToolWithRetry('demo', 'flaky', {})).rejects.toThrow();
    const [entry] = (await dlq.list()).items;
    expect(entry).toMatchObject({ errorClass: 'http_503', priority: 'high' });
    expect(entry.nextRedriveAt).toBeDefined();
    // The first redrive meets the second 503, the next one succeeds.
    await vi.waitFor(async () => expect((await dlq.getStats()).total).toBe(0), {
      timeout: 10_000,
      interval: 100,
    });
    expect(redriven.map((e) => e.result)).toEqual(['failure', 'success']);
    // Counted as redrives only (fastmcp_dlq_redrives_total), not as replays too.
    expect(replayed).toEqual([]);
  });

  it('never redrives a call marked deliveryUnknown; opts.priority goes over the tool priority', async () => {
    const error = await app.client
      .callToolWithRetry(
        'demo',
        'slow',
        { ms: 3000 },
        { priority: 'low', retry: { requestTimeoutMs: 100 } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const [entry] = (await dlq.list()).items;
    expect(entry).toMatchObject({ deliveryUnknown: true, priority: 'low' });
    expect(entry.nextRedriveAt).toBeUndefined();
    expect((await dlq.getStats()).dueForRedrive).toBe(0);
  });

  it('holds an entry whose client id is not configured here, as it was, for an instance that has it', async () => {
    const now = Date.now();
    const id = '01M8XD30TZ2YXC8N6JYPPSSTAD';
    const result = await dlq.import([
      {
        id,
        operation: 'list_tools',
        clientId: 'elsewhere',
        serverUrl: 'http://127.0.0.1:1/mcp',
        request: { method: 'tools/list', headers: {} },
        error: 'HTTP 503',
        errorClass: 'http_503',
        attempts: [],
        retryCount: 0,
        firstAttemptAt: new Date(now).toISOString(),
        failedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 3_600_000).toISOString(),
        nextRedriveAt: new Date(now - 1_000).toISOString(),
        replayCount: 0,
        status: 'dead',
      },
    ]);
    expect(result).toMatchObject({ imported: 1 });
    const before = await dlq.get(id);
    redriven.length = 0;
    // Rounds run every 100 ms: each one holds it again, none counts a failure or a redrive.
    await vi.waitFor(() => expect(redriven.length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    expect(new Set(redriven.map((e) => e.result))).toEqual(new Set(['held']));
    expect(await dlq.get(id)).toMatchObject({
      error: before?.error,
      errorClass: 'http_503',
      failedAt: before?.failedAt,
      replayCount: 0,
    });
    expect((await dlq.get(id))?.redriveCount ?? 0).toBe(0);
  });
});

// Shutdown with DLQ replays around: a bulk replay job or a redrive in flight does not hold the
// shutdown past `shutdownGraceMs` (new calls are refused at once, as without them), and a replay
// started during the grace is refused before anything is sent, its entry left as it was.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueService,
  DlqBulkReplayService,
  DlqReplayService,
  isFastMcpShutdownError,
} from '@app/fastmcp';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { until } from '../support/until.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

/** How many tools/call named `name` the server got. */
function calls(server: ScriptedMcpServerHandle, name: string): number {
  return server.posts.filter(
    (p) =>
      p.message.method === 'tools/call' && (p.message.params as { name?: string }).name === name,
  ).length;
}

/** A call made once the app is well into its shutdown: its error, or 'ok'. */
async function lateCall(app: ClientTestApp): Promise<unknown> {
  // Before the fix, new calls were still admitted seconds into the shutdown.
  await sleep(500);
  return app.client.callToolWithRetry('s', 'late', {}).then(
    () => 'ok',
    (error: unknown) => error,
  );
}

describe('shutdown with DLQ replays in flight', () => {
  const cleanups: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function server(answer: (request: ScriptedRequest) => void) {
    const started = await startScriptedMcpServer(answer);
    cleanups.push(() => started.close());
    return started;
  }

  async function app(options: Parameters<typeof startClientApp>[0]): Promise<ClientTestApp> {
    const started = await startClientApp(options);
    let closed: Promise<void> | undefined;
    const close = () => (closed ??= started.close());
    cleanups.push(close);
    return { ...started, close };
  }

  it('a bulk job stops at once; the job stays resumable, its lease released', async () => {
    const redis: RedisServerHandle = await startRedisServer();
    cleanups.push(() => redis.close());
    const mcp = await server(({ res }) => void res.writeHead(503).end('busy'));
    const options = {
      servers: { s: { url: mcp.url } },
      retry: { maxRetries: 0 },
      resilience: { circuitBreaker: { consecutiveFailures: 100_000 } },
      // No pickup by timer: the second instance takes the job over only when asked.
      dlq: {
        redis: { url: redis.url },
        dedupWindowMs: 0,
        redriveIntervalMs: 600_000,
        replayLeaseMs: 60_000,
      },
      shutdownGraceMs: 300,
    };
    const first = await app(options);
    for (let i = 0; i < 5; i++) {
      await first.client.callToolWithRetry('s', 'work', { i }).catch(() => undefined);
    }
    const sentBefore = calls(mcp, 'work');
    let replayed = 0;
    first.events.on('dlq.replayed', () => replayed++);
    // One replay at once, then one every 2 s: the old shutdown waited for all of them (7.8 s).
    const job = await first.moduleRef
      .get(DlqBulkReplayService)
      .start({ ratePerSecond: 0.5, concurrency: 5 });
    await until(() => replayed === 1);

    const t0 = Date.now();
    const closed = first.close();
    const late = await lateCall(first);
    await closed;

    expect(Date.now() - t0).toBeLessThan(3000);
    expect(isFastMcpShutdownError(late)).toBe(true);
    expect(calls(mcp, 'late')).toBe(0);
    const ran = calls(mcp, 'work') - sentBefore;
    expect(ran).toBe(1);

    const second = await app(options);
    const jobs = second.moduleRef.get(DlqBulkReplayService);
    expect(await jobs.get(job.id)).toMatchObject({ state: 'running', total: 5, done: ran });
    // Released: with a 60 s lease, a lease still held would keep the other instance out.
    expect(await jobs.resumeOrphans()).toBe(1);
    await second.close();
  });

  it('a redrive in flight holds the shutdown no longer than the grace', async () => {
    let n = 0;
    const mcp = await server(({ res, message }) => {
      if (message.method !== 'tools/call') return void res.writeHead(400).end('x');
      n++;
      // The first call fails; its redrive hangs until the grace ends it.
      if (n === 1) res.writeHead(503).end('busy');
    });
    const client = await app({
      servers: { s: { url: mcp.url } },
      retry: { maxRetries: 0, requestTimeoutMs: 6000, totalTimeoutMs: 60_000 },
      dlq: {
        store: 'memory',
        redrive: [{ match: { errorClass: ['http_503'] }, after: 100, maxRedrives: 3 }],
        redriveIntervalMs: 100,
      },
      shutdownGraceMs: 300,
    });
    await client.client.callToolWithRetry('s', 'work', {}).catch(() => undefined);
    const deadline = Date.now() + 5000;
    while (n < 2 && Date.now() < deadline) await sleep(20);
    expect(n).toBe(2);

    const t0 = Date.now();
    const closed = client.close();
    const late = await lateCall(client);
    await closed;

    // The redrive's request timeout (6 s) no longer holds it: the grace (300 ms) does.
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(isFastMcpShutdownError(late)).toBe(true);
    expect(calls(mcp, 'late')).toBe(0);
  });

  it('a replay started during the grace is refused, its entry left as it was', async () => {
    const mcp = await server(({ res, message }) => {
      if (message.method !== 'tools/call') return void res.writeHead(400).end('x');
      // `hang` holds the grace open; the others fail with 503.
      if ((message.params as { name?: string }).name !== 'hang') res.writeHead(503).end('busy');
    });
    const client = await app({
      servers: { s: { url: mcp.url } },
      retry: { maxRetries: 0, requestTimeoutMs: 30_000, totalTimeoutMs: 60_000 },
      dlq: {
        store: 'memory',
        dedupWindowMs: 0,
        redrive: [{ match: { errorClass: ['http_503'] }, after: 600_000, maxRedrives: 5 }],
      },
      shutdownGraceMs: 2000,
    });
    const dlq = client.moduleRef.get(DeadLetterQueueService);
    const replays = client.moduleRef.get(DlqReplayService);
    for (const i of [1, 2]) {
      await client.client.callToolWithRetry('s', 'work', { i }).catch(() => undefined);
    }
    const before = (await dlq.list()).items;
    expect(before).toHaveLength(2);
    expect(before.every((e) => e.errorClass === 'http_503' && e.nextRedriveAt)).toBe(true);
    const sentBefore = mcp.count('tools/call');
    const hanging = client.client.callToolWithRetry('s', 'hang', {}).catch(() => undefined);
    await until(() => mcp.count('tools/call') > sentBefore);
    const sent = mcp.count('tools/call');
    expect(sent).toBe(sentBefore + 1);

    const closed = client.close();
    await sleep(100);
    const refused = await replays.replay(before[0].id).catch((error: unknown) => error);
    const job = await client.moduleRef.get(DlqBulkReplayService).start({ ratePerSecond: 100 });
    await sleep(300);
    const after = (await dlq.list()).items;
    await closed;
    await hanging;

    expect(isFastMcpShutdownError(refused)).toBe(true);
    expect(mcp.count('tools/call')).toBe(sent);
    // Same error, class, count and redrive time: still due for its automatic redrive.
    expect(after).toEqual(before);
    expect(job.total).toBe(2);
  });
});

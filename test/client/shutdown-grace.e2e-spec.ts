// Issue 12, item 6: on shutdown the client first refuses new calls, the DLQ buffer is spilled at
// once (here to the spill file: Redis is down), and only then do running calls drain, within
// `shutdownGraceMs`, ended by FastMcpShutdownError when it runs out. A call so ended is a dead
// letter too (kind `shutdown`), marked `deliveryUnknown` when its request was out.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, type FailedOperation } from '@app/fastmcp';
import { isFastMcpShutdownError } from '../../libs/fastmcp/src/errors/fastmcp-shutdown.error.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { until } from '../support/until.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

/** tools/call `hang` never answers; `flaky` gets 503; anything else gets HTTP 400. */
function answer({ res, message }: ScriptedRequest): void {
  const params = message.params as { name?: string } | undefined;
  if (params?.name === 'hang') return;
  if (params?.name === 'flaky') return void res.writeHead(503).end('busy');
  res.writeHead(400, { 'content-type': 'text/plain' }).end('refused');
}

function spilled(path: string): FailedOperation[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FailedOperation);
}

describe('client shutdown: refuse, spill, then drain within shutdownGraceMs', () => {
  let server: ScriptedMcpServerHandle;
  let redis: RedisServerHandle;
  let app: ClientTestApp;
  const dir = mkdtempSync(join(tmpdir(), 'grace-spill-'));
  const spillFile = join(dir, 'spill.jsonl');

  beforeAll(async () => {
    [server, redis] = await Promise.all([startScriptedMcpServer(answer), startRedisServer()]);
    app = await startClientApp({
      servers: { s: { url: server.url } },
      dlq: { redis: { url: redis.url }, spillFile },
      retry: { maxRetries: 0, requestTimeoutMs: 30_000, totalTimeoutMs: 60_000 },
      shutdownGraceMs: 300,
    });
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([server.close(), redis.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('spills the buffer before running calls drain, refuses new calls, ends the rest with a typed error', async () => {
    await redis.stop();
    await expect(app.client.callToolWithRetry('s', 'work', { n: 1 })).rejects.toThrow(/400/);
    const hanging = app.client.callToolWithRetry('s', 'hang', {}).catch((error: unknown) => error);
    await until(() => server.count('tools/call') === 2);

    const startedAt = Date.now();
    const closed = app.close();
    await until(() => existsSync(spillFile));
    // The buffer is on disk while the hanging call still runs.
    expect(readFileSync(spillFile, 'utf8')).toContain('"toolName":"work"');
    let settled = false;
    void hanging.then(() => (settled = true));
    await sleep(0);
    expect(settled).toBe(false);

    const refused = await app.client
      .callToolWithRetry('s', 'work', { n: 2 })
      .catch((e: unknown) => e);
    expect(isFastMcpShutdownError(refused)).toBe(true);
    expect(server.count('tools/call')).toBe(2);

    const ended = await hanging;
    expect(isFastMcpShutdownError(ended)).toBe(true);
    expect((ended as Error).message).toContain('300ms of grace');
    const tookMs = Date.now() - startedAt;
    expect(tookMs).toBeGreaterThanOrEqual(250);
    expect(tookMs).toBeLessThan(5000);
    await closed;
    // Nothing is lost: the ended call is in the final spill, its request possibly run.
    const hung = spilled(spillFile).find((entry) => entry.toolName === 'hang');
    expect(hung).toMatchObject({ errorClass: 'shutdown', deliveryUnknown: true });
    expect(hung?.error).toContain('300ms of grace');
  });
});

describe('a call waiting between retries when the grace runs out', () => {
  let server: ScriptedMcpServerHandle;
  let redis: RedisServerHandle;
  let app: ClientTestApp | undefined;
  let reader: ClientTestApp | undefined;

  beforeAll(async () => {
    [server, redis] = await Promise.all([startScriptedMcpServer(answer), startRedisServer()]);
  });
  afterAll(async () => {
    await app?.close();
    await reader?.close();
    await Promise.all([server.close(), redis.close()]);
  });

  it('is dead-lettered as `shutdown`, not deliveryUnknown: its last attempt was refused', async () => {
    app = await startClientApp({
      servers: { s: { url: server.url } },
      dlq: { redis: { url: redis.url }, spillFile: false },
      retry: { maxRetries: 3, initialDelayMs: 10_000, maxDelayMs: 10_000, totalTimeoutMs: 60_000 },
      shutdownGraceMs: 200,
    });
    const waiting = app.client.callToolWithRetry('s', 'flaky', {}).catch((e: unknown) => e);
    await until(() => server.count('tools/call') === 1);
    await app.close();
    expect(isFastMcpShutdownError(await waiting)).toBe(true);

    reader = await startClientApp({ dlq: { redis: { url: redis.url }, spillFile: false } });
    const { items } = await reader.moduleRef.get(DeadLetterQueueService).list();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ toolName: 'flaky', errorClass: 'shutdown' });
    expect(items[0].deliveryUnknown).toBeUndefined();
    expect(items[0].attempts.map((attempt) => attempt.status)).toEqual([503]);
  });
});

// Issue 12, item 6: on shutdown the client first refuses new calls, the DLQ buffer is spilled at
// once (here to the spill file: Redis is down), and only then do running calls drain, within
// `shutdownGraceMs`, ended by FastMcpShutdownError when it runs out.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFastMcpShutdownError } from '../../libs/fastmcp/src/errors/fastmcp-shutdown.error.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';
import {
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

/** tools/call `hang` never answers; anything else gets HTTP 400. */
function answer({ res, message }: ScriptedRequest): void {
  const params = message.params as { name?: string } | undefined;
  if (params?.name === 'hang') return;
  res.writeHead(400, { 'content-type': 'text/plain' }).end('refused');
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline) await sleep(10);
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
  });
});

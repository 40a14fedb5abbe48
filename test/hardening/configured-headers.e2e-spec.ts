// Issue 12, item 2: a server's configured header values never reach a dead letter (in memory or
// in Redis) nor a log line, the shutdown log of unwritten entries included; replay sends them
// again from the configuration.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterQueueService, DlqReplayService, type FailedOperation } from '@app/fastmcp';
import { CapturingLogger } from '../support/capturing-logger.js';
import { type ClientTestApp, startClientApp } from '../support/client-test-app.js';
import { dumpRedis } from '../support/redis-dump.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';
import {
  answerJson,
  type ScriptedMcpServerHandle,
  type ScriptedRequest,
  startScriptedMcpServer,
} from '../support/scripted-mcp-server.js';

const HEADERS = {
  Authorization: 'Bearer tok-AUTH-0123456789',
  'X-Api-Key': 'key-API-0123456789',
  'X-Custom': 'SECRET789',
};
const VALUES = ['tok-AUTH-0123456789', 'key-API-0123456789', 'SECRET789'];

let failing = true;
/** tools/call: HTTP 400 while `failing`, else a text result. */
function answer({ res, message }: ScriptedRequest): void {
  if (failing) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('refused');
  answerJson(res, message, { content: [{ type: 'text', text: 'ok' }] });
}

function expectNoSecret(text: string): void {
  for (const value of VALUES) expect(text).not.toContain(value);
}

let server: ScriptedMcpServerHandle;
beforeAll(async () => {
  server = await startScriptedMcpServer(answer);
});
afterAll(() => server.close());

async function failOnce(app: ClientTestApp): Promise<FailedOperation> {
  failing = true;
  const dlq = app.moduleRef.get(DeadLetterQueueService);
  const before = new Set((await dlq.list({ limit: 100 })).items.map((e) => e.id));
  await expect(app.client.callToolWithRetry('secure', 'work', { n: 1 })).rejects.toThrow(/400/);
  const added = (await dlq.list({ limit: 100 })).items.filter((e) => !before.has(e.id));
  expect(added).toHaveLength(1);
  return added[0];
}

describe('in-memory store', () => {
  const logger = new CapturingLogger();
  let app: ClientTestApp;
  beforeAll(async () => {
    app = await startClientApp(
      { servers: { secure: { url: server.url, headers: HEADERS } } },
      logger,
    );
  });
  afterAll(() => app.close());

  it('keeps no configured value in the entry or the logs; replay sends them from the config', async () => {
    const entry = await failOnce(app);
    expect(server.posts.at(-1)?.headers['x-custom']).toBe('SECRET789');
    expect(entry.request.headers['mcp-protocol-version']).toBeDefined();
    expectNoSecret(JSON.stringify(entry));

    failing = false;
    const replayed = await app.moduleRef.get(DlqReplayService).replay(entry.id);
    expect(replayed.result).toMatchObject({ content: [{ type: 'text', text: 'ok' }] });
    const sent = server.posts.at(-1);
    expect(sent?.message.method).toBe('tools/call');
    expect(sent?.headers).toMatchObject({
      authorization: HEADERS.Authorization,
      'x-api-key': HEADERS['X-Api-Key'],
      'x-custom': HEADERS['X-Custom'],
    });
    expectNoSecret(JSON.stringify(logger.lines));
  });

  it('redacts a header whose value is a configured one, whatever its name', async () => {
    const dlq = app.moduleRef.get(DeadLetterQueueService);
    const stored = await dlq.store({
      operation: 'call_tool',
      clientId: 'secure',
      toolName: 'whoami',
      serverUrl: server.url,
      request: {
        method: 'tools/call',
        headers: {
          'x-innocent': 'SECRET789',
          'x-copy': 'key-API-0123456789',
          accept: 'text/plain',
        },
      },
      error: 'refused',
      errorClass: 'http_400',
      attempts: [],
      retryCount: 0,
      firstAttemptAt: new Date().toISOString(),
      failedAt: new Date().toISOString(),
    });
    expect(stored.request.headers).toEqual({
      'x-innocent': '[REDACTED]',
      'x-copy': '[REDACTED]',
      accept: 'text/plain',
    });
  });
});

describe('Redis store', () => {
  const logger = new CapturingLogger();
  const dir = mkdtempSync(join(tmpdir(), 'headers-spill-'));
  const spillFile = join(dir, 'spill.jsonl');
  let redis: RedisServerHandle;
  let app: ClientTestApp | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
    app = await startClientApp(
      {
        servers: { secure: { url: server.url, headers: HEADERS } },
        dlq: { redis: { url: redis.url }, spillFile },
      },
      logger,
    );
  });
  afterEach(() => expectNoSecret(JSON.stringify(logger.lines)));
  afterAll(async () => {
    await app?.close();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps no configured value in Redis', async () => {
    const entry = await failOnce(app as ClientTestApp);
    const dump = await dumpRedis(redis.url);
    expect(dump).toContain(entry.id);
    expectNoSecret(dump);
  });

  it('keeps none in the spill file of an entry still unwritten at shutdown', async () => {
    await redis.stop();
    failing = true;
    await expect(
      (app as ClientTestApp).client.callToolWithRetry('secure', 'work', { n: 2 }),
    ).rejects.toThrow(/400/);
    await (app as ClientTestApp).close();
    app = undefined;
    const spilled = readFileSync(spillFile, 'utf8');
    expect(spilled).toContain('"toolName":"work"');
    expectNoSecret(spilled);
  });
});

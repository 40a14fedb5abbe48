import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import {
  bodyOf,
  type SampleTestApp,
  serversEnv,
  startSampleApp,
} from './support/sample-test-app.js';

interface HealthBody {
  details: Record<string, { status: string } & Record<string, unknown>>;
}

/** The id in the first log line matching `pattern` after `from` (its first group). */
function idIn(sample: SampleTestApp, pattern: RegExp, from = 0): string {
  for (const line of sample.logger.lines.slice(from)) {
    const id = pattern.exec(line.message)?.[1];
    if (id) return id;
  }
  throw new Error(`no log line matches ${String(pattern)}`);
}

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

describe('sample app: REDIS_URL set, Redis down at start and back later', () => {
  let redis: RedisServerHandle;
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;
  let client: Redis;

  beforeAll(async () => {
    [redis, demo] = await Promise.all([
      startRedisServer(),
      startDemoMcpServer({ flakyFailures: 1000 }),
    ]);
    await redis.stop();
    sample = await startSampleApp({
      REDIS_URL: redis.url,
      FASTMCP_SERVERS: serversEnv('demo', demo.url),
    });
    client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
  });
  afterAll(async () => {
    client?.disconnect();
    await sample?.close();
    await Promise.all([redis?.close(), demo?.close()]);
  });

  // Other arguments each time: the same failure again would be folded into one entry (dedup).
  let calls = 0;
  const fail = () =>
    sample.http
      .post('/mcp/clients/demo/tools/flaky/call')
      .set(sample.auth)
      .send({ arguments: { call: ++calls } })
      .expect(502);
  const health = async (): Promise<{ status: number; body: HealthBody }> => {
    const response = await sample.http.get('/health');
    return { status: response.status, body: bodyOf<HealthBody>(response) };
  };

  it('uses the Redis store from the start, says so and why, and /health reports redis down', async () => {
    const warnings = sample.logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings.join('\n')).toContain(
      `DLQ store: Redis at ${redis.url} (REDIS_URL is set), unreachable at start`,
    );
    const { status, body } = await health();
    expect(status).toBe(503);
    expect(body.details.redis).toMatchObject({ status: 'down', dlq: 'redis' });
  });

  it('buffers while Redis is down; once it is back, /health is up and dead letters are in Redis', async () => {
    const before = sample.logger.lines.length;
    await fail();
    const buffered = idIn(sample, /buffered entry (\S+) for a later write/, before);

    await redis.start();
    const back = await until(health, (h) => h.status === 200);
    expect(back.status).toBe(200);
    expect(back.body.details.redis).toMatchObject({ status: 'up', dlq: 'redis' });

    const after = sample.logger.lines.length;
    await fail();
    // Stored at once, or buffered for a moment if the store's own connection is still reconnecting.
    const stored = idIn(sample, /(?:Stored failed operation in DLQ:|buffered entry) (\S+) /, after);
    await client.connect();
    const present = await until(
      () => client.exists(`{fastmcp:dlq}:e:${stored}`, `{fastmcp:dlq}:e:${buffered}`),
      (count) => count === 2,
    );
    expect(present).toBe(2);
  });
});

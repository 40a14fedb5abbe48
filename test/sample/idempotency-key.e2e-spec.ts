// Idempotency-Key on the sample's tool call: two app instances on one real Redis, the demo
// server counting the calls it runs.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { requestFingerprint } from '../../apps/sample/src/idempotency/idempotency-key.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import {
  bodyOf,
  type SampleTestApp,
  serversEnv,
  startSampleApp,
} from './support/sample-test-app.js';

const ADD = '/mcp/clients/demo/tools/add/call';

describe('sample tool call with an Idempotency-Key', () => {
  let redis: RedisServerHandle;
  let demo: DemoMcpServerHandle;
  let first: SampleTestApp;
  let second: SampleTestApp;
  let keys = 0;

  const ran = (tool: string): number => demo.requestCounts()[`tools/call:${tool}`] ?? 0;
  const newKey = (): string => `key-${++keys}-${Date.now()}`;
  const call = (app: SampleTestApp, path: string, key: string | undefined, body: object) => {
    const request = app.http.post(path).set(app.auth);
    return (key === undefined ? request : request.set('Idempotency-Key', key)).send(body);
  };

  beforeAll(async () => {
    [redis, demo] = await Promise.all([
      startRedisServer(),
      startDemoMcpServer({ flakyFailures: 0 }),
    ]);
    const env = { REDIS_URL: redis.url, FASTMCP_SERVERS: serversEnv('demo', demo.url) };
    [first, second] = await Promise.all([startSampleApp(env), startSampleApp(env)]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await Promise.all([redis?.close(), demo?.close()]);
  });

  it('runs a call sent twice with one key once: the second, on another instance, gets the first answer', async () => {
    const key = newKey();
    const before = ran('add');
    const answer = await call(first, ADD, key, { arguments: { a: 2, b: 3 } }).expect(200);
    expect(bodyOf(answer)).toMatchObject({ structuredContent: { sum: 5 } });
    expect(answer.headers['idempotent-replayed']).toBeUndefined();

    const again = await call(second, ADD, key, { arguments: { a: 2, b: 3 } }).expect(200);
    expect(again.body).toEqual(answer.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(ran('add')).toBe(before + 1);
  });

  it('runs calls without a key each time, as before', async () => {
    const before = ran('add');
    await call(first, ADD, undefined, { arguments: { a: 1, b: 1 } }).expect(200);
    await call(first, ADD, undefined, { arguments: { a: 1, b: 1 } }).expect(200);
    expect(ran('add')).toBe(before + 2);
  });

  it('refuses the key with another request: 422, and runs nothing', async () => {
    const key = newKey();
    await call(first, ADD, key, { arguments: { a: 1, b: 2 } }).expect(200);
    const before = ran('add');
    const otherBody = await call(second, ADD, key, { arguments: { a: 1, b: 3 } }).expect(422);
    expect(bodyOf(otherBody)).toMatchObject({
      statusCode: 422,
      message:
        'this Idempotency-Key was used for another request (another client id, tool or body)',
    });
    const otherTool = await call(first, '/mcp/clients/demo/tools/echo/call', key, {
      arguments: { a: 1, b: 2 },
    }).expect(422);
    expect(bodyOf(otherTool).statusCode).toBe(422);
    expect(ran('add')).toBe(before);
  });

  it('answers 409 with Retry-After while the first request runs, then the first answer', async () => {
    const key = newKey();
    const slow = '/mcp/clients/demo/tools/slow/call';
    const before = ran('slow');
    const running = call(first, slow, key, { arguments: { ms: 400 } }).then((r) => r);
    await vi.waitFor(() => expect(ran('slow')).toBe(before + 1));
    const busy = await call(second, slow, key, { arguments: { ms: 400 } }).expect(409);
    expect(busy.headers['retry-after']).toBe('1');
    expect(bodyOf(busy).message).toBe(
      'a request with this Idempotency-Key is still running: send it again later',
    );
    const done = await running;
    expect(done.status).toBe(200);
    const after = await call(second, slow, key, { arguments: { ms: 400 } }).expect(200);
    expect(after.body).toEqual(done.body);
    expect(ran('slow')).toBe(before + 1);
  });

  it('keeps a dead-lettered failure: the same key gets the same 502 and nothing is sent again', async () => {
    const key = newKey();
    const flaky = '/mcp/clients/demo/tools/flaky/call';
    demo.resetFlaky(1000);
    try {
      const before = ran('flaky');
      const failed = await call(first, flaky, key, {}).expect(502);
      const sent = ran('flaky') - before;
      expect(sent).toBeGreaterThan(0);
      const again = await call(second, flaky, key, {}).expect(502);
      expect(again.body).toEqual(failed.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(ran('flaky')).toBe(before + sent);
    } finally {
      demo.resetFlaky(0);
    }
  });

  it('forgets a key whose request was refused before the call (4xx): it may be used again', async () => {
    const key = newKey();
    await call(first, '/mcp/clients/nope/tools/add/call', key, { arguments: {} }).expect(404);
    await call(first, ADD, key, { arguments: { a: 1 }, priority: 'urgent' }).expect(400);
    const before = ran('add');
    await call(second, ADD, key, { arguments: { a: 4, b: 4 } }).expect(200);
    expect(ran('add')).toBe(before + 1);
  });

  it('refuses a malformed key with 400 and runs nothing', async () => {
    const before = ran('add');
    for (const key of ['has space', 'x'.repeat(256), 'naïve']) {
      const refused = await call(first, ADD, key, { arguments: { a: 1, b: 1 } }).expect(400);
      expect(bodyOf(refused).message).toBe(
        'Idempotency-Key must be one header of 1 to 255 printable ASCII characters, no spaces',
      );
    }
    expect(ran('add')).toBe(before);
  });

  it('tells a request whose first run never finished (its instance stopped) that it may have run: 409', async () => {
    const key = newKey();
    const body = { arguments: { a: 7, b: 7 } };
    const record = {
      state: 'running',
      fingerprint: requestFingerprint({ clientId: 'demo', toolName: 'add' }, body),
      deadline: Date.now() - 1,
    };
    const direct = new Redis(redis.url);
    try {
      const name = `fastmcp-sample:idempotency:${createHash('sha256').update(key).digest('hex')}`;
      await direct.set(name, JSON.stringify(record), 'PX', 60_000);
      const before = ran('add');
      const lost = await call(first, ADD, key, body).expect(409);
      expect(bodyOf(lost).message).toBe(
        'the request with this Idempotency-Key did not finish (its instance stopped): it may have run, so it is not run again',
      );
      expect(ran('add')).toBe(before);
    } finally {
      await direct.quit();
    }
  });

  // Last: it stops the Redis the others use.
  it('refuses a keyed call while the key store is unreachable (503, not sent); an unkeyed one still runs', async () => {
    await redis.close();
    const before = ran('add');
    const refused = await call(first, ADD, newKey(), { arguments: { a: 1, b: 2 } }).expect(503);
    expect(bodyOf(refused).message).toBe(
      'the Idempotency-Key store is unreachable: the call was not sent',
    );
    expect(ran('add')).toBe(before);
    await call(first, ADD, undefined, { arguments: { a: 1, b: 2 } }).expect(200);
    expect(ran('add')).toBe(before + 1);
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DlqStats, FailedOperation, Page } from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { findFreePort } from '../support/free-port.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { bodyOf, type SampleTestApp, startSampleApp } from './support/sample-test-app.js';

const ABSENT_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

describe('sample DLQ administration API (Redis store)', () => {
  let redis: RedisServerHandle;
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;

  const page = async (query: string): Promise<Page<FailedOperation>> =>
    bodyOf<Page<FailedOperation>>(
      await sample.http.get(`/dlq${query}`).set(sample.auth).expect(200),
    );
  const call = (clientId: string, tool: string, args: Record<string, unknown> = {}) =>
    sample.http
      .post(`/mcp/clients/${clientId}/tools/${tool}/call`)
      .set(sample.auth)
      .send({ arguments: args });

  beforeAll(async () => {
    [redis, demo] = await Promise.all([
      startRedisServer(),
      startDemoMcpServer({ flakyFailures: 1000 }),
    ]);
    sample = await startSampleApp({
      REDIS_URL: redis.url,
      FASTMCP_DLQ: 'redis',
      FASTMCP_REQUEST_TIMEOUT_MS: '150',
      FASTMCP_SERVERS: JSON.stringify({
        demo: { url: demo.url },
        down: { url: `http://127.0.0.1:${await findFreePort()}/mcp` },
      }),
    });
    // Six dead letters: 3 flaky (HTTP 503), 1 slow (timeout: delivery unknown), 2 on a server
    // that is down.
    for (let i = 0; i < 3; i += 1) await call('demo', 'flaky', { i }).expect(502);
    await call('demo', 'slow', { ms: 2000 }).expect(504);
    await call('down', 'echo', { text: 'a' }).expect(502);
    await call('down', 'echo', { text: 'b' }).expect(502);
  });
  afterAll(async () => {
    await sample?.close();
    await Promise.all([redis?.close(), demo?.close()]);
  });

  it('GET /dlq lists every entry, newest first, with what is needed to replay it', async () => {
    const { items, nextCursor } = await page('');
    expect(nextCursor).toBeUndefined();
    expect(items).toHaveLength(6);
    expect(items.map((e) => e.arguments)).toEqual([
      { text: 'b' },
      { text: 'a' },
      { ms: 2000 },
      { i: 2 },
      { i: 1 },
      { i: 0 },
    ]);
    expect(items[5]).toMatchObject({
      operation: 'call_tool',
      clientId: 'demo',
      toolName: 'flaky',
      errorClass: 'http_503',
      status: 'dead',
      replayCount: 0,
    });
  });

  it('pages with limit and cursor', async () => {
    const first = await page('?limit=4');
    expect(first.items).toHaveLength(4);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await page(`?limit=4&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeUndefined();
    const ids = [...first.items, ...second.items].map((e) => e.id);
    expect(new Set(ids).size).toBe(6);
  });

  it('filters by operation, clientId and errorClass, alone or together', async () => {
    expect((await page('?operation=call_tool')).items).toHaveLength(6);
    expect((await page('?operation=connect')).items).toHaveLength(0);
    expect((await page('?clientId=down')).items.map((e) => e.clientId)).toEqual(['down', 'down']);
    expect((await page('?errorClass=http_503')).items).toHaveLength(3);
    const unknown = (await page('?clientId=demo&operation=call_tool&errorClass=delivery_unknown'))
      .items;
    expect(unknown.map((e) => [e.toolName, e.deliveryUnknown])).toEqual([['slow', true]]);
    expect((await page('?clientId=nobody')).items).toEqual([]);
  });

  it('a filtered page follows its cursor to the end without losing an entry', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const next = await page(`?errorClass=http_503&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...next.items.map((e) => e.id));
      cursor = next.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
  });

  it('GET /dlq/stats counts by operation, client id and error class', async () => {
    const stats = bodyOf<DlqStats>(
      await sample.http.get('/dlq/stats').set(sample.auth).expect(200),
    );
    expect(stats).toMatchObject({
      total: 6,
      byOperation: { call_tool: 6 },
      byClientId: { demo: 4, down: 2 },
    });
    expect(stats.byErrorClass.http_503).toBe(3);
    expect(stats.oldestAgeSeconds).toEqual(expect.any(Number));
  });

  it('GET /dlq/:id returns the entry; an unknown id is 404, a malformed one 400', async () => {
    const [newest] = (await page('?limit=1')).items;
    const entry = await sample.http.get(`/dlq/${newest.id}`).set(sample.auth).expect(200);
    expect(bodyOf(entry)).toEqual(newest);
    const missing = await sample.http.get(`/dlq/${ABSENT_ID}`).set(sample.auth).expect(404);
    expect(bodyOf(missing)).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `dead-letter entry ${ABSENT_ID} not found`,
      code: 'DlqEntryNotFoundError',
    });
    const malformed = await sample.http.get('/dlq/not-an-id').set(sample.auth).expect(400);
    expect(bodyOf(malformed)).toMatchObject({ code: 'DlqValidationError' });
    expect(bodyOf(malformed).message).toContain('invalid DLQ id');
  });

  describe('bad queries get 400 and say what is wrong', () => {
    it.each([
      ['?cursor=abc', 'invalid DLQ cursor: not a cursor returned by this queue'],
      ['?limit=0', 'limit must not be less than 1'],
      ['?limit=10000', 'limit must not be greater than 500'],
      ['?limit=ten', 'limit must be an integer number'],
      ['?limit=1e2', 'limit must be an integer number'],
      ['?limit=0x10', 'limit must be an integer number'],
      ['?limit=%205', 'limit must be an integer number'],
      [
        '?operation=drop',
        'operation must be one of the following values: connect, list_tools, call_tool',
      ],
      ['?clientId=%20x', 'clientId must be 1-128 letters'],
      ['?errorClass=HTTP%20503', 'errorClass must be 1-64 letters, digits, _ . : -'],
      ['?sort=asc', 'sort must be one of the following values: newest, priority'],
      ['?order=asc', 'property order should not exist'],
    ])('%s', async (query, message) => {
      const response = await sample.http.get(`/dlq${query}`).set(sample.auth).expect(400);
      const body = bodyOf<{ statusCode: number; message: string | string[] }>(response);
      expect(body.statusCode).toBe(400);
      expect([body.message].flat().join('; ')).toContain(message);
    });
  });

  it("accepts any error class the library's pattern accepts (the DTO uses it)", async () => {
    for (const errorClass of ['Stream.cut', 'protocol:-32602', '0day']) {
      await sample.http.get('/dlq').query({ errorClass }).set(sample.auth).expect(200);
    }
  });

  it('POST /dlq/:id/replay that fails again is 502; the entry stays with its replay counted', async () => {
    const [entry] = (await page('?errorClass=http_503&limit=1')).items;
    const response = await sample.http.post(`/dlq/${entry.id}/replay`).set(sample.auth).expect(502);
    expect(bodyOf(response)).toMatchObject({ code: 'RetryExhaustedError', clientId: 'demo' });
    const after = bodyOf<FailedOperation>(
      await sample.http.get(`/dlq/${entry.id}`).set(sample.auth).expect(200),
    );
    expect(after).toMatchObject({ status: 'dead', replayCount: 1 });
    await sample.http.post(`/dlq/${ABSENT_ID}/replay`).set(sample.auth).expect(404);
  });

  it('an entry whose delivery is unknown is not replayed without force (409, nothing sent)', async () => {
    const [slow] = (await page('?errorClass=delivery_unknown')).items;
    const before = demo.requestCounts()['tools/call:slow'] ?? 0;
    const response = await sample.http.post(`/dlq/${slow.id}/replay`).set(sample.auth).expect(409);
    expect(bodyOf(response)).toMatchObject({
      code: 'ReplayConflictError',
      message: expect.stringContaining('replay it with force') as unknown,
    });
    expect(demo.requestCounts()['tools/call:slow'] ?? 0).toBe(before);
    await sample.http.post(`/dlq/${slow.id}/replay?force=maybe`).set(sample.auth).expect(400);
  });

  it('a second replay of an entry while the first runs is 409', async () => {
    const [slow] = (await page('?errorClass=delivery_unknown')).items;
    const forced = `/dlq/${slow.id}/replay?force=true`;
    const [first, second] = await Promise.all([
      sample.http.post(forced).set(sample.auth),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        sample.http.post(forced).set(sample.auth),
      ),
    ]);
    expect(first.status).toBe(504);
    expect(second.status).toBe(409);
    expect(bodyOf(second)).toMatchObject({
      error: 'Conflict',
      code: 'ReplayConflictError',
      message: `dead-letter entry ${slow.id} is already being replayed`,
    });
  });

  it('DELETE /dlq/:id removes the entry (204), then 404', async () => {
    const [entry] = (await page('?clientId=down&limit=1')).items;
    await sample.http.delete(`/dlq/${entry.id}`).set(sample.auth).expect(204);
    await sample.http.delete(`/dlq/${entry.id}`).set(sample.auth).expect(404);
    expect((await page('')).items).toHaveLength(5);
  });

  describe('POST /dlq/cleanup', () => {
    it.each([
      [{}, 'olderThan should not be null or undefined'],
      [{ olderThan: 'soon' }, 'olderThan must be a duration'],
      [{ olderThan: -5 }, 'olderThan must be a duration'],
      [{ olderThan: true }, 'olderThan must be a duration'],
      [{ olderThan: '999999999999999d' }, 'olderThan must be a duration'],
      [{ olderThan: '7d', force: true }, 'property force should not exist'],
    ])('refuses %j with 400', async (body, message) => {
      const response = await sample.http
        .post('/dlq/cleanup')
        .set(sample.auth)
        .send(body)
        .expect(400);
      expect([bodyOf(response).message].flat().join('; ')).toContain(message);
    });

    it('removes entries older than 7d (none) or 0 ms (all)', async () => {
      const none = await sample.http
        .post('/dlq/cleanup')
        .set(sample.auth)
        .send({ olderThan: '7d' });
      expect(none.status).toBe(200);
      expect(bodyOf(none)).toEqual({ removed: 0 });
      const all = await sample.http.post('/dlq/cleanup').set(sample.auth).send({ olderThan: 0 });
      expect(bodyOf(all)).toEqual({ removed: 5 });
      expect((await page('')).items).toEqual([]);
    });
  });

  it('an unreachable DLQ store is 503 and /health says redis is down', async () => {
    await redis.stop();
    try {
      const response = await sample.http.get('/dlq').set(sample.auth).expect(503);
      expect(bodyOf(response)).toMatchObject({
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'DlqUnavailableError',
      });
      const health = await sample.http.get('/health').expect(503);
      expect(bodyOf<{ error: Record<string, unknown> }>(health).error.redis).toMatchObject({
        status: 'down',
      });
    } finally {
      await redis.start();
    }
    await waitUntil(async () => (await sample.http.get('/dlq').set(sample.auth)).status === 200);
    const keys = new Redis(redis.url);
    expect(await keys.ping()).toBe('PONG');
    keys.disconnect();
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkReplayJob, DlqTimeline, FailedOperation, Page } from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { DlqIdGenerator } from '../../libs/fastmcp/src/dlq/core/dlq-id.js';
import { findFreePort } from '../support/free-port.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { bodyOf, type SampleTestApp, startSampleApp } from './support/sample-test-app.js';

describe('sample DLQ operations API: priority, export/import, bulk replay jobs (Redis store)', () => {
  let redis: RedisServerHandle;
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;

  const call = (clientId: string, tool: string, args: Record<string, unknown> = {}) =>
    sample.http
      .post(`/mcp/clients/${clientId}/tools/${tool}/call`)
      .set(sample.auth)
      .send({ arguments: args });
  const job = async (id: string): Promise<BulkReplayJob> =>
    bodyOf<BulkReplayJob>(await sample.http.get(`/dlq/jobs/${id}`).set(sample.auth).expect(200));

  /** `GET /dlq/export?<query>`, its NDJSON body read as text. */
  const exportNdjson = (query: string) =>
    sample.http
      .get(`/dlq/export?${query}`)
      .set(sample.auth)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => done(null, text));
      })
      .expect(200);

  beforeAll(async () => {
    [redis, demo] = await Promise.all([
      startRedisServer(),
      startDemoMcpServer({ flakyFailures: 1000 }),
    ]);
    sample = await startSampleApp({
      REDIS_URL: redis.url,
      FASTMCP_DLQ: 'redis',
      FASTMCP_REQUEST_TIMEOUT_MS: '5000',
      FASTMCP_SERVERS: JSON.stringify({
        demo: { url: demo.url, headers: { authorization: 'Bearer do-not-export-me' } },
        down: { url: `http://127.0.0.1:${await findFreePort()}/mcp` },
      }),
    });
    for (let i = 0; i < 3; i += 1) await call('demo', 'flaky', { i }).expect(502);
    await call('down', 'echo', { text: 'a' }).expect(502);
  });
  afterAll(async () => {
    await sample?.close();
    await Promise.all([redis?.close(), demo?.close()]);
  });

  it('GET /dlq?sort=priority and ?priority= read the priority indexes', async () => {
    const sorted = bodyOf<Page<FailedOperation>>(
      await sample.http.get('/dlq?sort=priority&limit=3').set(sample.auth).expect(200),
    );
    expect(sorted.items).toHaveLength(3);
    expect(sorted.items.every((e) => e.priority === 'normal')).toBe(true);
    const rest = bodyOf<Page<FailedOperation>>(
      await sample.http
        .get(`/dlq?sort=priority&cursor=${sorted.nextCursor}`)
        .set(sample.auth)
        .expect(200),
    );
    expect(rest.items).toHaveLength(1);
    const high = await sample.http.get('/dlq?priority=high').set(sample.auth).expect(200);
    expect(bodyOf<Page<FailedOperation>>(high).items).toEqual([]);
    await sample.http.get('/dlq?priority=urgent').set(sample.auth).expect(400);
  });

  it('GET /dlq/export streams NDJSON, POST /dlq/import brings it back with its ids', async () => {
    const exported = await exportNdjson('clientId=demo');
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    const body = exported.body as string;
    const lines = body.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(body).not.toContain('do-not-export-me');
    const ids = lines.map((line) => (JSON.parse(line) as FailedOperation).id);

    for (const id of ids) await sample.http.delete(`/dlq/${id}`).set(sample.auth).expect(204);
    // A deleted id is refused for an hour (a late retry must not bring it back): import into a
    // store that never had them is what restores; here the tombstones make them `skipped`.
    const again = await sample.http
      .post('/dlq/import')
      .set(sample.auth)
      .set('content-type', 'application/x-ndjson')
      .send(`${body}not json\n`)
      .expect(200);
    expect(again.body).toEqual({
      imported: 0,
      skipped: 3,
      invalid: [{ line: 4, reason: 'invalid DLQ entry: expected a JSON object per line' }],
      invalidCount: 1,
    });
    // The same entries under new ids (another last character) are new to the store.
    const renamed = lines.map((line, i) => {
      const last = ids[i].at(-1) === 'A' ? 'B' : 'A';
      return line.replace(ids[i], `${ids[i].slice(0, 25)}${last}`);
    });
    const imported = await sample.http
      .post('/dlq/import')
      .set(sample.auth)
      .set('content-type', 'application/x-ndjson')
      .send(renamed.slice(0, 2).join('\n'))
      .expect(200);
    expect(imported.body).toMatchObject({ imported: 2, skipped: 0 });
    await sample.http.get('/dlq/export?priority=urgent').set(sample.auth).expect(400);
  });

  it('POST /dlq/replay starts a job; GET /dlq/jobs/:id shows its progress; DELETE cancels', async () => {
    const started = await sample.http
      .post('/dlq/replay')
      .set(sample.auth)
      .send({ filter: { clientId: 'down' }, rate: 100, concurrency: 2 })
      .expect(202);
    const id = bodyOf<BulkReplayJob>(started).id;
    expect(bodyOf<BulkReplayJob>(started)).toMatchObject({ state: 'running', total: 1 });
    let seen = await job(id);
    for (let i = 0; i < 100 && seen.state === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await job(id);
    }
    expect(seen).toMatchObject({ state: 'done', total: 1, done: 1, failed: 1, succeeded: 0 });
    const list = await sample.http.get('/dlq/jobs').set(sample.auth).expect(200);
    expect(bodyOf<BulkReplayJob[]>(list).map((j) => j.id)).toContain(id);
    // A UUID is read in either case (RFC 9562): the job, not a 400 "malformed".
    const upper = await sample.http.get(`/dlq/jobs/${id.toUpperCase()}`).set(sample.auth);
    expect(upper.status).toBe(200);
    expect(bodyOf<BulkReplayJob>(upper).id).toBe(id);
    const cancelled = await sample.http.delete(`/dlq/jobs/${id}`).set(sample.auth).expect(200);
    expect(bodyOf<BulkReplayJob>(cancelled).state).toBe('done');

    await sample.http.post('/dlq/replay').set(sample.auth).send({ rate: 0 }).expect(400);
    await sample.http.post('/dlq/replay').set(sample.auth).send({ extra: 1 }).expect(400);
    await sample.http.get('/dlq/jobs/nope').set(sample.auth).expect(400);
    await sample.http
      .get('/dlq/jobs/00000000-0000-4000-8000-000000000000')
      .set(sample.auth)
      .expect(404);
    await sample.http.post('/dlq/replay').send({}).expect(401);
  });

  it("a call's priority (body) is its dead letter's; an unknown one is 400 and calls nothing", async () => {
    await sample.http
      .post('/mcp/clients/down/tools/echo/call')
      .set(sample.auth)
      .send({ arguments: { text: 'b' }, priority: 'high' })
      .expect(502);
    const high = bodyOf<Page<FailedOperation>>(
      await sample.http.get('/dlq?priority=high').set(sample.auth).expect(200),
    );
    expect(high.items.map((e) => [e.clientId, e.toolName, e.arguments])).toEqual([
      ['down', 'echo', { text: 'b' }],
    ]);
    const before = bodyOf<{ total: number }>(
      await sample.http.get('/dlq/stats').set(sample.auth).expect(200),
    ).total;
    const refused = await sample.http
      .post('/mcp/clients/down/tools/echo/call')
      .set(sample.auth)
      .send({ arguments: { text: 'c' }, priority: 'urgent' })
      .expect(400);
    expect(bodyOf(refused).message).toEqual([
      'priority must be one of the following values: high, normal, low',
    ]);
    const after = bodyOf<{ total: number }>(
      await sample.http.get('/dlq/stats').set(sample.auth).expect(200),
    ).total;
    expect(after).toBe(before);
  });

  it('replaying an imported entry nested too deep to copy is a 502 with a message, not a 500', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 2500; i += 1) deep = { a: deep };
    const id = new DlqIdGenerator().next(Date.now());
    const line = JSON.stringify({
      id,
      operation: 'call_tool',
      clientId: 'demo',
      toolName: 'echo',
      arguments: { text: 'x', deep },
    });
    const imported = await sample.http
      .post('/dlq/import')
      .set(sample.auth)
      .set('content-type', 'application/x-ndjson')
      .send(`${line}\n`)
      .expect(200);
    expect(imported.body).toMatchObject({ imported: 1 });
    const replay = await sample.http.post(`/dlq/${id}/replay`).set(sample.auth);
    expect(replay.status).toBe(502);
    expect(bodyOf(replay).message).toMatch(/call stack/i);
    expect(replay.text).not.toMatch(/\bat .+\.js:\d+/);
    await sample.http.delete(`/dlq/${id}`).set(sample.auth).expect(204);
  });

  it('GET /dlq/timeline counts entries per bucket by error class, without the entries', async () => {
    const { total, byErrorClass } = bodyOf<{ total: number; byErrorClass: Record<string, number> }>(
      await sample.http.get('/dlq/stats').set(sample.auth).expect(200),
    );
    const timeline = bodyOf<DlqTimeline>(
      await sample.http
        .get('/dlq/timeline?bucket=1h&buckets=3&classes=1')
        .set(sample.auth)
        .expect(200),
    );
    expect(timeline.bucketMs).toBe(3600_000);
    expect(Date.parse(timeline.startAt) % 3600_000).toBe(0);
    expect(timeline.series.map((s) => s.errorClass)).toEqual(['http_503', null]);
    const counted = timeline.series.flatMap((s) => s.counts);
    expect(timeline.series.every((s) => s.counts.length === 3)).toBe(true);
    expect(counted.reduce((a, n) => a + n, 0)).toBe(total);
    expect(timeline.series[0].counts.reduce((a, n) => a + n, 0)).toBe(byErrorClass.http_503);
    expect(timeline.series[0].counts[2]).toBeGreaterThan(0);
    for (const [query, message] of [
      ['', 'bucket must be a duration'],
      ['bucket=1ms', 'bucket must be from 1s to 30d'],
      ['bucket=31d', 'bucket must be from 1s to 30d'],
      ['bucket=1h&buckets=0', 'buckets must not be less than 1'],
      ['bucket=1h&classes=many', 'classes must be an integer'],
    ]) {
      const refused = await sample.http.get(`/dlq/timeline?${query}`).set(sample.auth).expect(400);
      expect(JSON.stringify(bodyOf(refused).message)).toContain(message);
    }
  });

  it('GET /dlq?newerThan= and ?olderThan= take entries by creation time, as an export does', async () => {
    const now = Date.now();
    const entry = (createdAgoMs: number, failedAgoMs: number) => ({
      id: new DlqIdGenerator().next(now - createdAgoMs),
      operation: 'call_tool',
      clientId: 'aged',
      toolName: 'echo',
      arguments: { text: 'x' },
      failedAt: new Date(now - failedAgoMs).toISOString(),
    });
    // Created 3 h ago, failed again a minute ago (a replay that failed): older than 1 h.
    const old = entry(3 * 3600_000, 60_000);
    const fresh = entry(60_000, 60_000);
    await sample.http
      .post('/dlq/import')
      .set(sample.auth)
      .set('content-type', 'application/x-ndjson')
      .send(`${JSON.stringify(old)}\n${JSON.stringify(fresh)}\n`)
      .expect(200);
    const ids = async (query: string): Promise<string[]> =>
      bodyOf<Page<FailedOperation>>(
        await sample.http.get(`/dlq?${query}`).set(sample.auth).expect(200),
      ).items.map((e) => e.id);
    expect(await ids('clientId=aged&newerThan=1h')).toEqual([fresh.id]);
    expect(await ids('clientId=aged&olderThan=1h')).toEqual([old.id]);
    expect(await ids('clientId=aged&olderThan=1h&sort=priority')).toEqual([old.id]);
    const listed = await ids('newerThan=1h&limit=500');
    expect(listed).toContain(fresh.id);
    expect(listed).not.toContain(old.id);
    const exported = await exportNdjson('newerThan=1h');
    const exportedIds = (exported.body as string)
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as FailedOperation).id);
    expect(listed).toEqual(exportedIds);
    await sample.http.get('/dlq?newerThan=soon').set(sample.auth).expect(400);
    for (const id of [old.id, fresh.id]) {
      await sample.http.delete(`/dlq/${id}`).set(sample.auth).expect(204);
    }
  });

  it('GET /dlq?olderThan= starts at the old entries however many newer ones there are; newerThan ends the paging', async () => {
    const now = Date.now();
    const ids = new DlqIdGenerator();
    const entry = (createdAgoMs: number) => ({
      id: ids.next(now - createdAgoMs),
      operation: 'call_tool',
      clientId: 'aged-many',
      toolName: 'echo',
      arguments: { text: 'x' },
      failedAt: new Date(now - createdAgoMs).toISOString(),
    });
    const old = entry(3 * 3600_000);
    const fresh = Array.from({ length: 25 }, () => entry(60_000));
    await sample.http
      .post('/dlq/import')
      .set(sample.auth)
      .set('content-type', 'application/x-ndjson')
      .send([old, ...fresh].map((e) => JSON.stringify(e)).join('\n'))
      .expect(200);
    const page = async (query: string): Promise<Page<FailedOperation>> =>
      bodyOf<Page<FailedOperation>>(
        await sample.http.get(`/dlq?clientId=aged-many&${query}`).set(sample.auth).expect(200),
      );
    // 25 newer entries, more than one request reads page by page at limit 1.
    const oldOnes = await page('olderThan=1h&limit=1');
    expect(oldOnes.items.map((e) => e.id)).toEqual([old.id]);
    expect(oldOnes.nextCursor).toBeUndefined();
    const newOnes = await page('newerThan=1h&limit=25');
    expect(newOnes.items.map((e) => e.id)).toEqual(fresh.map((e) => e.id).reverse());
    expect(newOnes.nextCursor).toBeUndefined();
    const both = await page('newerThan=1h&olderThan=30s&priority=normal&limit=5');
    expect(both.items).toHaveLength(5);
    for (const e of [old, ...fresh]) {
      await sample.http.delete(`/dlq/${e.id}`).set(sample.auth).expect(204);
    }
  });

  it('POST /dlq/replay is a 429 with a message while 8 jobs run; it starts once one is cancelled', async () => {
    // Two entries at 0.1/s, one at a time: each job waits 10 s before its second replay.
    const slow = { filter: { clientId: 'demo' }, rate: 0.1, concurrency: 1 };
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const started = await sample.http.post('/dlq/replay').set(sample.auth).send(slow).expect(202);
      ids.push(bodyOf<BulkReplayJob>(started).id);
    }
    const refused = await sample.http.post('/dlq/replay').set(sample.auth).send(slow).expect(429);
    expect(bodyOf(refused).message).toBe(
      'bulk replay refused: 8 jobs are running and at most 8 run at once; cancel one or wait for one to finish',
    );
    await sample.http.delete(`/dlq/jobs/${ids[0]}`).set(sample.auth).expect(200);
    const ninth = await sample.http.post('/dlq/replay').set(sample.auth).send(slow).expect(202);
    ids.push(bodyOf<BulkReplayJob>(ninth).id);
    for (const id of ids) await sample.http.delete(`/dlq/jobs/${id}`).set(sample.auth).expect(200);
  });
});

import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkReplayJob, FailedOperation, Page } from '@app/fastmcp';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { bodyOf, type SampleTestApp, startSampleApp } from './support/sample-test-app.js';

const JOB_ID = '00000000-0000-4000-8000-000000000000';

/** Bad REST requests to the DLQ API get a 4xx (or a 503) with a message, and replay nothing. */
/** POSTs an application/json body sent chunked, with no chunk: only the terminating `0`. */
function postChunked(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.end();
  });
}

describe('sample DLQ API: bad requests replay nothing (Redis store)', () => {
  let redis: RedisServerHandle;
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;
  let entries: FailedOperation[];

  const messageOf = (response: { body: unknown }): string =>
    [bodyOf<{ message: string | string[] }>(response).message].flat().join('; ');
  const flakyCalls = (): number => demo.requestCounts()['tools/call:flaky'] ?? 0;
  /** Nothing was replayed: no job, no upstream call, every entry as it was. */
  const expectNothingReplayed = async (callsBefore: number): Promise<void> => {
    const jobs = await sample.http.get('/dlq/jobs').set(sample.auth).expect(200);
    expect(bodyOf<BulkReplayJob[]>(jobs)).toEqual([]);
    expect(flakyCalls()).toBe(callsBefore);
    const page = await sample.http.get('/dlq').set(sample.auth).expect(200);
    const items = bodyOf<Page<FailedOperation>>(page).items;
    expect(items.map((e) => [e.id, e.replayCount])).toEqual(entries.map((e) => [e.id, 0]));
  };

  beforeAll(async () => {
    [redis, demo] = await Promise.all([
      startRedisServer(),
      startDemoMcpServer({ flakyFailures: 1000 }),
    ]);
    sample = await startSampleApp({
      REDIS_URL: redis.url,
      FASTMCP_DLQ: 'redis',
      FASTMCP_SERVERS: JSON.stringify({ demo: { url: demo.url } }),
    });
    for (let i = 0; i < 2; i += 1) {
      await sample.http
        .post('/mcp/clients/demo/tools/flaky/call')
        .set(sample.auth)
        .send({ arguments: { i } })
        .expect(502);
    }
    entries = bodyOf<Page<FailedOperation>>(await sample.http.get('/dlq').set(sample.auth)).items;
    expect(entries).toHaveLength(2);
  });
  afterAll(async () => {
    await sample?.close();
    await Promise.all([redis?.close(), demo?.close()]);
  });

  describe('a method a path does not take is 405 with Allow, not a 404 or a bad id', () => {
    it.each([
      ['get', '/dlq/replay', 'POST'],
      ['delete', '/dlq/stats', 'GET, HEAD'],
      ['post', '/dlq/stats', 'GET, HEAD'],
      ['put', '/dlq/cleanup', 'POST'],
      ['delete', '/dlq/jobs', 'GET, HEAD'],
      ['post', '/dlq/export', 'GET, HEAD'],
    ] as const)('%s %s', async (method, path, allow) => {
      const before = flakyCalls();
      const response = await sample.http[method](path).set(sample.auth).expect(405);
      expect(response.headers.allow).toBe(allow);
      expect(bodyOf(response)).toEqual({
        statusCode: 405,
        error: 'Method Not Allowed',
        message: `${method.toUpperCase()} is not allowed here; allowed: ${allow}`,
      });
      expect(response.headers['cache-control']).toBe('no-store');
      await expectNothingReplayed(before);
    });

    it("an entry's path: the methods of the :id routes", async () => {
      const response = await sample.http.put(`/dlq/${entries[0].id}`).set(sample.auth).expect(405);
      expect(response.headers.allow).toBe('GET, DELETE, HEAD');
    });

    it('leaves alone what a route takes, and a path no route has', async () => {
      await sample.http.head('/dlq/stats').set(sample.auth).expect(200);
      await sample.http.get('/dlq/not-an-id').set(sample.auth).expect(400);
      await sample.http.get('/dlq/stats/nothing/here').set(sample.auth).expect(404);
    });
  });

  describe('POST /dlq/replay with a filter that is not an object is 400', () => {
    it.each([
      [{ filter: [{ clientId: 'nobody' }], rate: 0.1 }],
      [{ filter: [] }],
      [{ filter: null }],
      [{ filter: 'demo' }],
    ])('%j', async (body) => {
      const before = flakyCalls();
      const response = await sample.http
        .post('/dlq/replay')
        .set(sample.auth)
        .send(body)
        .expect(400);
      expect(messageOf(response)).toContain('filter must be an object');
      await expectNothingReplayed(before);
    });

    it('a filter field that is null is 400, not "any"', async () => {
      const before = flakyCalls();
      for (const field of ['clientId', 'operation', 'olderThan', 'newerThan']) {
        const response = await sample.http
          .post('/dlq/replay')
          .set(sample.auth)
          .send({ filter: { [field]: null } })
          .expect(400);
        expect(messageOf(response)).toContain(`filter.${field}`);
      }
      await expectNothingReplayed(before);
    });

    it('a field named like a member of Object.prototype is 400, not a known field', async () => {
      const before = flakyCalls();
      for (const raw of ['{"filter":{"valueOf":"demo"}}', '{"filter":{},"isPrototypeOf":1}']) {
        const response = await sample.http
          .post('/dlq/replay')
          .set(sample.auth)
          .set('content-type', 'application/json')
          .send(raw)
          .expect(400);
        expect(messageOf(response)).toMatch(
          /^body field "(valueOf|isPrototypeOf)" is not allowed$/,
        );
      }
      await expectNothingReplayed(before);
    });
  });

  describe('POST routes that take a JSON body refuse any other body with 415', () => {
    it.each([
      ['/dlq/replay', 'text/plain', '{"filter":{"clientId":"nobody"}}', 'the bulk replay'],
      [
        '/dlq/replay',
        'application/x-www-form-urlencoded',
        'filter[clientId]=nobody',
        'the bulk replay',
      ],
      ['/dlq/cleanup', 'text/plain', '{"olderThan":0}', 'the cleanup'],
      ['/dlq/cleanup', 'application/x-www-form-urlencoded', 'olderThan=0', 'the cleanup'],
    ])('%s, %s', async (path, type, raw, what) => {
      const before = flakyCalls();
      const response = await sample.http
        .post(path)
        .set(sample.auth)
        .set('content-type', type)
        .send(raw)
        .expect(415);
      expect(bodyOf(response)).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `send ${what} as application/json`,
      });
      await expectNothingReplayed(before);
    });

    it('POST /dlq/replay with no body, or an empty JSON one, is 400: {} must be sent', async () => {
      const before = flakyCalls();
      const none = await sample.http.post('/dlq/replay').set(sample.auth).expect(400);
      expect(messageOf(none)).toBe('send the bulk replay as a JSON body');
      const empty = await sample.http
        .post('/dlq/replay')
        .set(sample.auth)
        .set('content-type', 'application/json')
        .send('')
        .expect(400);
      expect(messageOf(empty)).toBe(messageOf(none));
      await expectNothingReplayed(before);
    });

    it('POST /dlq/replay with an empty chunked JSON body is 400, not a job over every entry', async () => {
      const before = flakyCalls();
      const address = sample.app.getHttpServer().address() as AddressInfo;
      const reply = await postChunked(`http://127.0.0.1:${address.port}/dlq/replay`, sample.auth);
      expect(reply.status).toBe(400);
      expect((JSON.parse(reply.body) as { message: string }).message).toBe(
        'send the bulk replay as a JSON body',
      );
      await expectNothingReplayed(before);
    });
  });

  describe('query fields inherited from Object.prototype are refused with 400', () => {
    it.each([
      '/dlq?constructor=1',
      '/dlq?toString=1',
      '/dlq?hasOwnProperty=1',
      '/dlq?valueOf=1',
      '/dlq?__proto__=1',
      '/dlq/export?constructor=1',
      '/dlq/export?clientId=demo&toString=1',
      '/dlq/01ARZ3NDEKTSV4RRFFQ69G5FAV/replay?hasOwnProperty=1',
    ])('%s', async (url) => {
      const field = /[?&]([^=&]+)=1/.exec(url)?.[1];
      const request = url.includes('/replay') ? sample.http.post(url) : sample.http.get(url);
      const response = await request.set(sample.auth).expect(400);
      expect(messageOf(response)).toBe(`property ${field} should not exist`);
    });
  });

  it('with Redis down, the job and replay routes are 503 (DlqUnavailableError), never 500', async () => {
    const before = sample.logger.lines.length;
    await redis.stop();
    try {
      const requests = [
        sample.http.get('/dlq/jobs'),
        sample.http.get(`/dlq/jobs/${JOB_ID}`),
        sample.http.delete(`/dlq/jobs/${JOB_ID}`),
        sample.http.post(`/dlq/${entries[0].id}/replay`),
        sample.http.post('/dlq/replay').send({ filter: { clientId: 'demo' } }),
      ];
      for (const request of requests) {
        const response = await request.set(sample.auth);
        expect(response.status).toBe(503);
        expect(bodyOf(response)).toMatchObject({
          statusCode: 503,
          error: 'Service Unavailable',
          code: 'DlqUnavailableError',
          message: expect.stringContaining('dead-letter queue unavailable') as unknown,
        });
      }
    } finally {
      await redis.start();
    }
    const logged = sample.logger.lines.slice(before).map((l) => l.message);
    expect(logged).not.toContain('Unhandled error');
  });
});

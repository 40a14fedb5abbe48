import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { findFreePort } from '../support/free-port.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { bodyOf, type SampleTestApp, startSampleApp } from './support/sample-test-app.js';

describe('sample tools API', () => {
  let redis: RedisServerHandle;
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;

  beforeAll(async () => {
    [redis, demo] = await Promise.all([
      startRedisServer(),
      startDemoMcpServer({ flakyFailures: 0 }),
    ]);
    sample = await startSampleApp({
      REDIS_URL: redis.url,
      FASTMCP_SERVERS: JSON.stringify({
        demo: { url: demo.url },
        down: { url: `http://127.0.0.1:${await findFreePort()}/mcp` },
      }),
      FASTMCP_REQUEST_TIMEOUT_MS: '200',
    });
  });
  afterAll(async () => {
    await sample?.close();
    await Promise.all([redis?.close(), demo?.close()]);
  });

  describe('the API key', () => {
    it('is required: 401 without it, with a message saying how to send it', async () => {
      const response = await sample.http.get('/mcp/clients').expect(401);
      expect(bodyOf(response)).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'missing API key: send "Authorization: Bearer <key>" or "x-api-key: <key>"',
      });
    });

    it('is refused when wrong, as x-api-key or Bearer', async () => {
      await sample.http
        .get('/mcp/clients')
        .set('x-api-key', 'wrong')
        .expect(401, /invalid API key/);
      await sample.http.get('/dlq').set('authorization', 'Bearer wrong').expect(401);
      await sample.http
        .get('/dlq')
        .set('authorization', 'Basic abc')
        .expect(401, /missing/);
    });

    it('is refused when x-api-key and Authorization: Bearer name different keys, either way round', async () => {
      const key = sample.auth['x-api-key'];
      const refused = [
        { 'x-api-key': key, authorization: 'Bearer wrong' },
        { 'x-api-key': 'wrong', authorization: `Bearer ${key}` },
      ];
      for (const headers of refused) {
        const response = await sample.http.get('/mcp/clients').set(headers).expect(401);
        expect(bodyOf<{ message: string }>(response).message).toBe(
          'two different API keys: send one, or the same key as x-api-key and Authorization: Bearer',
        );
      }
      await sample.http
        .get('/mcp/clients')
        .set({ 'x-api-key': key, authorization: `Bearer ${key}` })
        .expect(200);
    });

    it('is refused with two Authorization headers, whichever comes first', async () => {
      const key = sample.auth['x-api-key'];
      const { port } = sample.app.getHttpServer().address() as AddressInfo;
      const send = (first: string, second: string) =>
        new Promise<{ status?: number; body: string }>((resolve, reject) => {
          // Given as an array (so both go out), the headers get no Host of Node's own.
          const headers = [
            ...['Host', `127.0.0.1:${port}`],
            ...['Authorization', `Bearer ${first}`, 'Authorization', `Bearer ${second}`],
          ];
          const get = request({ host: '127.0.0.1', port, path: '/mcp/clients', headers });
          get.on('error', reject);
          get.on('response', (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode, body }));
          });
          get.end();
        });
      for (const [first, second] of [
        [key, 'wrong-key-0123456789'],
        ['wrong-key-0123456789', key],
      ]) {
        const answer = await send(first, second);
        expect(answer.status).toBe(401);
        expect(JSON.parse(answer.body)).toMatchObject({
          message: 'two Authorization headers: send one',
        });
      }
    });

    it('is accepted as Authorization: Bearer', async () => {
      await sample.http
        .get('/mcp/clients')
        .set('authorization', `Bearer ${sample.auth['x-api-key']}`)
        .expect(200);
    });
  });

  it('a route that reads no body refuses one (400), rather than drop it without a word', async () => {
    const refused = [
      sample.http.post('/mcp/clients/demo/connect').send({ anything: 1 }),
      sample.http.post('/mcp/clients/demo/connect').set('content-type', 'text/plain').send('hi'),
      // force is a query parameter here: sent as a body it was dropped, and the replay ran without it.
      sample.http.post('/dlq/01M8XD30TZ2YXC8N6JYPPSSTAB/replay').send({ force: true }),
      sample.http.get('/mcp/clients').send({ a: 1 }),
    ];
    for (const request of refused) {
      const response = await request.set(sample.auth).expect(400);
      expect(bodyOf<{ message: string }>(response).message).toBe('this endpoint takes no body');
    }
    await sample.http.get('/mcp/clients').set(sample.auth).expect(200);
  });

  it('GET /mcp/clients lists the configured client ids without headers', async () => {
    const response = await sample.http.get('/mcp/clients').set(sample.auth).expect(200);
    expect(bodyOf<unknown[]>(response)).toEqual([
      { clientId: 'demo', url: demo.url, connected: false },
      {
        clientId: 'down',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/) as unknown,
        connected: false,
      },
    ]);
  });

  it('POST /mcp/clients/:clientId/connect connects and reports the session', async () => {
    const response = await sample.http
      .post('/mcp/clients/demo/connect')
      .set(sample.auth)
      .expect(200);
    expect(bodyOf(response)).toEqual({
      clientId: 'demo',
      url: demo.url,
      connected: true,
      protocolVersion: '2025-11-25',
      era: 'legacy',
      serverName: 'demo-mcp-server',
    });
  });

  it("GET /mcp/clients/:clientId/tools lists the server's tools", async () => {
    const response = await sample.http.get('/mcp/clients/demo/tools').set(sample.auth).expect(200);
    const names = bodyOf<{ tools: Array<{ name: string }> }>(response).tools.map((t) => t.name);
    expect(names).toEqual(['echo', 'add', 'slow', 'fail', 'flaky', 'bump', 'report']);
  });

  it('POST .../tools/:toolName/call calls the tool with { arguments }', async () => {
    const response = await sample.http
      .post('/mcp/clients/demo/tools/echo/call')
      .set(sample.auth)
      .send({ arguments: { text: 'hello' } })
      .expect(200);
    expect(bodyOf(response)).toEqual({ content: [{ type: 'text', text: 'hello' }] });
  });

  it('an upstream timeout is 504 and names the error', async () => {
    const response = await sample.http
      .post('/mcp/clients/demo/tools/slow/call')
      .set(sample.auth)
      .send({ arguments: { ms: 1000 } })
      .expect(504);
    expect(bodyOf(response)).toMatchObject({
      statusCode: 504,
      error: 'Gateway Timeout',
      // slow is not known to be safe to run twice: it is not re-sent after the timeout.
      code: 'McpDeliveryUnknownError',
      clientId: 'demo',
    });
  });

  it('a tool the server does not know is a tool error result, as MCP says', async () => {
    const response = await sample.http
      .post('/mcp/clients/demo/tools/nope/call')
      .set(sample.auth)
      .send({})
      .expect(200);
    expect(bodyOf(response)).toMatchObject({ isError: true });
  });

  it('an unreachable server is 502 after the retries', async () => {
    const response = await sample.http
      .post('/mcp/clients/down/tools/echo/call')
      .set(sample.auth)
      .send({ arguments: { text: 'x' } })
      .expect(502);
    expect(bodyOf(response)).toMatchObject({
      statusCode: 502,
      error: 'Bad Gateway',
      code: 'RetryExhaustedError',
      clientId: 'down',
    });
  });

  describe('bad input', () => {
    it('an unknown client id is 404 and never reaches a server', async () => {
      for (const request of [
        sample.http.post('/mcp/clients/elsewhere/connect'),
        sample.http.get('/mcp/clients/elsewhere/tools'),
        sample.http.post('/mcp/clients/elsewhere/tools/echo/call').send({}),
      ]) {
        const response = await request.set(sample.auth).expect(404);
        expect(bodyOf(response)).toMatchObject({
          code: 'UnknownClientError',
          clientId: 'elsewhere',
        });
      }
    });

    it('a malformed client id or tool name is 400', async () => {
      await sample.http
        .get('/mcp/clients/%20bad/tools')
        .set(sample.auth)
        .expect(400, /clientId must be/);
      await sample.http
        .post('/mcp/clients/demo/tools/b%20ad/call')
        .set(sample.auth)
        .send({})
        .expect(400, /toolName must be/);
    });

    it('extra fields are refused', async () => {
      const response = await sample.http
        .post('/mcp/clients/demo/tools/echo/call')
        .set(sample.auth)
        .send({ arguments: { text: 'x' }, url: 'http://169.254.169.254/' })
        .expect(400);
      expect(bodyOf(response).message).toEqual(['property url should not exist']);
    });

    it('a query parameter is refused where the route reads none, after the API key', async () => {
      const call = await sample.http
        .post('/mcp/clients/demo/tools/echo/call?priority=high&timeout=5')
        .set(sample.auth)
        .send({ arguments: { text: 'x' } })
        .expect(400);
      expect(bodyOf(call).message).toBe(
        'this endpoint takes no query parameters; got priority, timeout',
      );
      const many = Array.from({ length: 7 }, (_, i) => `p${i}=1`).join('&');
      const listed = await sample.http.get(`/mcp/clients?${many}`).set(sample.auth).expect(400);
      expect(bodyOf(listed).message).toBe(
        'this endpoint takes no query parameters; got p0, p1, p2, p3, p4 and 2 more',
      );
      await sample.http.get('/dlq/stats?verbose=1').set(sample.auth).expect(400);
      await sample.http.post('/mcp/clients/demo/tools/echo/call?x=1').send({}).expect(401);
      // A route with a query DTO validates it; the ops endpoints are left to monitors.
      await sample.http.get('/dlq?sort=newest').set(sample.auth).expect(200);
      await sample.http
        .get('/dlq?verbose=1')
        .set(sample.auth)
        .expect(400, /verbose should not/);
      // (/health is 503 here: the `down` server is configured.)
      const health = await sample.http.get('/health?probe=k8s').set(sample.auth);
      expect(health.status).not.toBe(400);
      await sample.http.get('/metrics?probe=1').set(sample.auth).expect(200);
    });

    it('wrong types are refused', async () => {
      const response = await sample.http
        .post('/mcp/clients/demo/tools/echo/call')
        .set(sample.auth)
        .send({ arguments: 'text' })
        .expect(400);
      expect(bodyOf(response).message).toEqual(['arguments must be an object']);
    });

    it('malformed JSON is 400 and an oversized body 413, without a stack trace', async () => {
      const bad = await sample.http
        .post('/mcp/clients/demo/tools/echo/call')
        .set(sample.auth)
        .set('content-type', 'application/json')
        .send('{"arguments":{"text":"Bearer hunter2-secret"')
        .expect(400);
      // JSON.parse's message quotes the body: it is not sent back.
      expect(bodyOf(bad).message).toBe('the body is not valid JSON');
      expect(bad.text).not.toContain('hunter2');
      const big = await sample.http
        .post('/mcp/clients/demo/tools/echo/call')
        .set(sample.auth)
        .send({ arguments: { text: 'x'.repeat(200_000) } })
        .expect(413);
      expect(bodyOf(big)).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'request entity too large',
      });
      for (const response of [bad, big]) expect(response.text).not.toMatch(/\bat .+\.js:\d+/);
    });

    it('a key given twice is 400 naming it, and nothing runs: JSON.parse would keep the last', async () => {
      const before = demo.requestCounts()['tools/call:echo'] ?? 0;
      const response = await sample.http
        .post('/mcp/clients/demo/tools/echo/call')
        .set(sample.auth)
        .set('content-type', 'application/json')
        .send('{"arguments":{"text":"a","text":"b"},"priority":"low","priority":"high"}')
        .expect(400);
      expect(bodyOf(response).message).toEqual([
        'key "arguments.text" is given twice',
        'key "priority" is given twice',
      ]);
      expect(demo.requestCounts()['tools/call:echo'] ?? 0).toBe(before);
    });

    it('keys repeated thousands of times, deep down, get a short 400 naming the first ten', async () => {
      const depth = 20_000;
      const repeated = Array.from({ length: 10_000 }, () => '"a":0').join(',');
      const body = `${'['.repeat(depth)}{${repeated}}${']'.repeat(depth)}`;
      const response = await sample.http
        .post('/mcp/clients/demo/tools/echo/call')
        .set(sample.auth)
        .set('content-type', 'application/json')
        .send(body)
        .expect(400);
      const problems = bodyOf(response).message as string[];
      expect(problems).toHaveLength(10);
      expect(problems[0]).toMatch(/^key "\.\.\.(\[0\])+\.a" is given twice$/);
      expect(response.text.length).toBeLessThan(4_000);
    });

    it('a key with a bad escape is 400 as JSON that does not parse, not 403', async () => {
      const response = await sample.http
        .post('/mcp/clients/demo/tools/echo/call')
        .set(sample.auth)
        .set('content-type', 'application/json')
        .send('{"arguments\\q":{}}')
        .expect(400);
      expect(bodyOf(response).message).toBe('the body is not valid JSON');
    });

    it('a null arguments or priority is 400 from validation, not taken as absent', async () => {
      for (const body of [{ arguments: null }, { arguments: { text: 'x' }, priority: null }]) {
        const response = await sample.http
          .post('/mcp/clients/demo/tools/echo/call')
          .set(sample.auth)
          .send(body)
          .expect(400);
        expect(bodyOf(response).code).toBeUndefined();
      }
    });
  });
});

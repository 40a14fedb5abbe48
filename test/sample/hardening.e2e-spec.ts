import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../apps/sample/src/create-app.js';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import {
  bodyOf,
  type SampleTestApp,
  serversEnv,
  startSampleApp,
  TEST_API_KEY,
} from './support/sample-test-app.js';

/** `levels` nested containers: `{ n: { n: ... {} } }` or `[[...[]]]`. */
function nested(levels: number, kind: 'object' | 'array'): unknown {
  let value: unknown = kind === 'object' ? {} : [];
  for (let i = 1; i < levels; i += 1) value = kind === 'object' ? { n: value } : [value];
  return value;
}

/** Polls `probe` until it is true or `ms` pass. */
async function eventually(probe: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(25);
  }
  return probe();
}

describe('sample app hardening (issue 12)', () => {
  let demo: DemoMcpServerHandle;
  let sample: SampleTestApp;
  const callUrl = '/mcp/clients/demo/tools/echo/call';

  beforeAll(async () => {
    demo = await startDemoMcpServer({ flakyFailures: 0 });
    sample = await startSampleApp({
      FASTMCP_DLQ: 'memory',
      FASTMCP_SERVERS: serversEnv('demo', demo.url),
      FASTMCP_REQUEST_TIMEOUT_MS: '10000',
    });
  });
  afterAll(async () => {
    await sample?.close();
    await demo?.close();
  });

  describe('body depth', () => {
    it.each([
      ['2000 arrays', nested(2000, 'array')],
      ['3000 objects', nested(3000, 'object')],
    ])('answers 400 to arguments nested %s deep, logging no stack', async (_, deep) => {
      const response = await sample.http
        .post(callUrl)
        .set(sample.auth)
        .send({ arguments: { text: 'x', deep } })
        .expect(400);
      expect(bodyOf(response)).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'body is nested deeper than 64 levels',
      });
      const logged = JSON.stringify(sample.logger.lines);
      expect(logged).not.toMatch(/RangeError|Maximum call stack|\n\s+at /);
    });

    it('accepts 64 levels (body included) and refuses 65 by default', async () => {
      // body (1) > arguments (2) > deep: 62 more levels = 64.
      const at = { arguments: { text: 'deep enough', deep: nested(62, 'object') } };
      const response = await sample.http.post(callUrl).set(sample.auth).send(at).expect(200);
      expect(bodyOf(response)).toMatchObject({ content: [{ type: 'text', text: 'deep enough' }] });
      const over = { arguments: { text: 'too deep', deep: nested(63, 'array') } };
      await sample.http
        .post(callUrl)
        .set(sample.auth)
        .send(over)
        .expect(400, /deeper than 64/);
    });

    it('takes its limit from FASTMCP_MAX_BODY_DEPTH, and refuses a bad value naming it', async () => {
      const strict = await startSampleApp({
        FASTMCP_DLQ: 'memory',
        FASTMCP_SERVERS: serversEnv('demo', demo.url),
        FASTMCP_MAX_BODY_DEPTH: '3',
      });
      try {
        const ok = { arguments: { text: 'three', deep: [] } };
        await strict.http.post(callUrl).set(strict.auth).send(ok).expect(200, /three/);
        const over = { arguments: { text: 'four', deep: [[]] } };
        await strict.http
          .post(callUrl)
          .set(strict.auth)
          .send(over)
          .expect(400, /deeper than 3/);
      } finally {
        await strict.close();
      }
      const error = await createApp({
        env: { ADMIN_API_KEY: TEST_API_KEY, FASTMCP_MAX_BODY_DEPTH: '0', FASTMCP_DLQ: 'memory' },
        logger: false,
      }).then(
        async (app) => {
          await app.close();
          return new Error('started');
        },
        (e: unknown) => e as Error,
      );
      expect(error.name).toBe('SampleConfigError');
      expect(error.message).toContain('FASTMCP_MAX_BODY_DEPTH: expected an integer 1..1000');
    });
  });

  describe('forbidden keys', () => {
    it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])(
      'refuses %s inside the arguments and at the top, with 400 naming it',
      async (key) => {
        const inArgs = `{"arguments":{"text":"x","inner":[{"${key}":{"polluted":true}}]}}`;
        const atTop = `{"arguments":{"text":"x"},"${key}":{"polluted":true}}`;
        for (const raw of [inArgs, atTop]) {
          const response = await sample.http
            .post(callUrl)
            .set(sample.auth)
            .set('content-type', 'application/json')
            .send(raw)
            .expect(400);
          expect(bodyOf(response).message).toBe(`body field "${key}" is not allowed`);
        }
      },
    );
  });

  describe('media type', () => {
    it.each([
      ['text/plain', 'text=hello'],
      ['application/x-www-form-urlencoded', 'arguments%5Btext%5D=hello'],
    ])('answers 415 to a %s body on a tool call, without running the tool', async (type, raw) => {
      const before = demo.requestCounts()['tools/call:echo'] ?? 0;
      const response = await sample.http
        .post(callUrl)
        .set(sample.auth)
        .set('content-type', type)
        .send(raw)
        .expect(415);
      expect(bodyOf(response)).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'send the tool call as application/json',
      });
      expect(demo.requestCounts()['tools/call:echo'] ?? 0).toBe(before);
    });

    it('still runs a call sent with no body at all', async () => {
      await sample.http.post('/mcp/clients/demo/tools/fail/call').set(sample.auth).expect(200);
    });
  });

  it('aborts the upstream call when the client hangs up: in-flight back to 0, cancelled sent', async () => {
    const inflight = async (): Promise<number> => {
      const metric = await sample.registry.getSingleMetric('fastmcp_inflight_operations')?.get();
      return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    };
    const { port } = sample.app.getHttpServer().address() as AddressInfo;
    const body = JSON.stringify({ arguments: { ms: 8000 } });
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/mcp/clients/demo/tools/slow/call',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_API_KEY },
    });
    req.on('error', () => undefined);
    req.end(body);
    const started = Date.now();
    // The call is running upstream (the handshake is over) before the client hangs up.
    const running = (): boolean => (demo.requestCounts()['tools/call:slow'] ?? 0) === 1;
    expect(await eventually(running, 5000)).toBe(true);
    expect(await inflight()).toBe(1);
    await sleep(300 - (Date.now() - started));
    req.destroy();
    // Unfixed, the tool runs its 8 s and the gauge stays at 1 meanwhile.
    expect(await eventually(async () => (await inflight()) === 0, 3000)).toBe(true);
    expect(
      await eventually(() => (demo.requestCounts()['notifications/cancelled'] ?? 0) === 1, 3000),
    ).toBe(true);
    // A hang-up is no failure of the server: nothing dead-lettered, no ERROR line.
    const stats = await sample.http.get('/dlq/stats').set(sample.auth).expect(200);
    expect(bodyOf(stats)).toMatchObject({ total: 0 });
    expect(sample.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});

describe('/health (issue 12)', () => {
  it('probes a server URL with credentials without them, and never shows them', async () => {
    const demo = await startDemoMcpServer({ flakyFailures: 0 });
    const withCredentials = demo.url.replace('http://', 'http://probe-user:probe-pw@');
    const sample = await startSampleApp({
      FASTMCP_DLQ: 'memory',
      FASTMCP_SERVERS: serversEnv('demo', withCredentials),
    });
    try {
      await sample.http
        .post('/mcp/clients/demo/tools/echo/call')
        .set(sample.auth)
        .send({ arguments: { text: 'with credentials' } })
        .expect(200, /with credentials/);
      const response = await sample.http.get('/health');
      expect(bodyOf(response).info).toMatchObject({ 'mcp:demo': { status: 'up' } });
      expect(response.status).toBe(200);
      expect(response.text).not.toMatch(/probe-user|probe-pw/);
    } finally {
      await sample.close();
      await demo.close();
    }
  });

  it('reports Redis down with a generic message, no address or error code', async () => {
    let redis: RedisServerHandle | undefined = await startRedisServer();
    const sample = await startSampleApp({ REDIS_URL: redis.url, HEALTH_TIMEOUT_MS: '500' });
    try {
      await sample.http.get('/health').expect(200);
      await redis.close();
      redis = undefined;
      const response = await sample.http.get('/health').expect(503);
      const down = bodyOf<{ error: Record<string, { status: string; message?: string }> }>(response)
        .error.redis;
      expect(down).toMatchObject({ status: 'down' });
      expect(down.message).toMatch(/^(unreachable|no answer within 500ms)$/);
      expect(response.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:\d{4,5}/);
    } finally {
      await sample.close();
      await redis?.close();
    }
  });
});

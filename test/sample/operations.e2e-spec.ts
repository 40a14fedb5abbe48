import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { findFreePort } from '../support/free-port.js';
import { checkMetricsText } from '../support/metrics/promtool.js';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.js';
import { bodyOf, serversEnv, startSampleApp } from './support/sample-test-app.js';

interface HealthBody {
  status: string;
  details: Record<string, { status: string; message?: string }>;
}

describe('sample operations endpoints: /metrics, /health, /docs, shutdown', () => {
  let redis: RedisServerHandle;
  let demo: DemoMcpServerHandle;
  let env: Record<string, string>;

  beforeAll(async () => {
    [redis, demo] = await Promise.all([startRedisServer(), startDemoMcpServer()]);
    env = { REDIS_URL: redis.url, FASTMCP_SERVERS: serversEnv('demo', demo.url) };
  });
  afterAll(async () => {
    await Promise.all([redis?.close(), demo?.close()]);
  });

  it('/metrics is open, passes promtool, and each app has its own registry', async () => {
    const [one, two] = await Promise.all([startSampleApp(env), startSampleApp(env)]);
    try {
      await one.http.post('/mcp/clients/demo/tools/echo/call').set(one.auth).send({}).expect(200);
      const first = await one.http.get('/metrics').expect(200);
      expect(first.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(first.text).toContain('process_cpu_user_seconds_total');
      expect(first.text).toContain(
        'fastmcp_operations_total{operation="call_tool",status="success"} 1',
      );
      expect(checkMetricsText(first.text)).toEqual({ status: 0, output: '' });
      const second = await two.http.get('/metrics').expect(200);
      expect(second.text).toContain(
        'fastmcp_operations_total{operation="call_tool",status="success"} 0',
      );
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('/health reports Redis and each configured server, 200 when all are up', async () => {
    const sample = await startSampleApp(env);
    try {
      const response = await sample.http.get('/health').expect(200);
      expect(bodyOf<HealthBody>(response)).toMatchObject({
        status: 'ok',
        details: { redis: { status: 'up', dlq: 'redis' }, 'mcp:demo': { status: 'up' } },
      });
    } finally {
      await sample.close();
    }
  });

  it('/health is 503 when a server is down, without its address', async () => {
    const port = await findFreePort();
    const sample = await startSampleApp({
      ...env,
      HEALTH_TIMEOUT_MS: '500',
      FASTMCP_SERVERS: JSON.stringify({
        demo: { url: demo.url },
        down: { url: `http://127.0.0.1:${port}/mcp` },
      }),
    });
    try {
      const response = await sample.http.get('/health').expect(503);
      const body = bodyOf<HealthBody>(response);
      expect(body.status).toBe('error');
      expect(body.details['mcp:down']).toEqual({ status: 'down', message: 'unreachable' });
      expect(body.details['mcp:demo'].status).toBe('up');
      expect(response.text).not.toContain(String(port));
    } finally {
      await sample.close();
    }
  });

  it('METRICS_PUBLIC=false and HEALTH_PUBLIC=false put both behind the API key', async () => {
    const sample = await startSampleApp({
      ...env,
      METRICS_PUBLIC: 'false',
      HEALTH_PUBLIC: 'false',
    });
    try {
      await sample.http.get('/metrics').expect(401);
      await sample.http.get('/health').expect(401);
      await sample.http.get('/metrics').set(sample.auth).expect(200);
      await sample.http.get('/health').set(sample.auth).expect(200);
    } finally {
      await sample.close();
    }
  });

  it('serves the OpenAPI document at /docs with every route and both key schemes', async () => {
    const sample = await startSampleApp(env);
    try {
      await sample.http.get('/docs').expect(200).expect('content-type', /html/);
      const doc = bodyOf<{
        paths: Record<string, unknown>;
        components: { securitySchemes: Record<string, unknown> };
      }>(await sample.http.get('/docs-json').expect(200));
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/dlq',
        '/dlq/cleanup',
        '/dlq/export',
        '/dlq/import',
        '/dlq/jobs',
        '/dlq/jobs/{id}',
        '/dlq/replay',
        '/dlq/stats',
        '/dlq/timeline',
        '/dlq/{id}',
        '/dlq/{id}/replay',
        '/health',
        '/mcp/clients',
        '/mcp/clients/{clientId}/connect',
        '/mcp/clients/{clientId}/prompts',
        '/mcp/clients/{clientId}/prompts/{promptName}/get',
        '/mcp/clients/{clientId}/resource-templates',
        '/mcp/clients/{clientId}/resource-updates',
        '/mcp/clients/{clientId}/resources',
        '/mcp/clients/{clientId}/resources/read',
        '/mcp/clients/{clientId}/subscriptions',
        '/mcp/clients/{clientId}/tasks',
        '/mcp/clients/{clientId}/tasks/{taskId}/result',
        '/mcp/clients/{clientId}/tools',
        '/mcp/clients/{clientId}/tools/{toolName}/call',
        '/metrics',
      ]);
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
      // The key is an opaque string: a client generated from the document must not expect a JWT.
      expect(doc.components.securitySchemes.bearer).toEqual({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque key',
        description: 'the ADMIN_API_KEY',
      });
    } finally {
      await sample.close();
    }
  });

  it('publishes the DLQ filter durations (olderThan, newerThan) as a duration string or ms, not an object', async () => {
    const sample = await startSampleApp(env);
    try {
      interface Parameter {
        name: string;
        in: string;
        schema: unknown;
      }
      const doc = bodyOf<{
        paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      }>(await sample.http.get('/docs-json').expect(200));
      const durations = ['olderThan', 'newerThan'];
      const schemas: [string, unknown][] = [];
      for (const path of ['/dlq', '/dlq/export']) {
        for (const parameter of doc.paths[path].get.parameters ?? []) {
          if (durations.includes(parameter.name)) {
            schemas.push([`GET ${path} ?${parameter.name}`, parameter.schema]);
          }
        }
      }
      const filter = doc.components.schemas.DlqFilterDto.properties ?? {};
      for (const name of durations) schemas.push([`DlqFilterDto.${name}`, filter[name]]);
      expect(schemas.map(([where]) => where)).toEqual([
        'GET /dlq ?olderThan',
        'GET /dlq ?newerThan',
        'GET /dlq/export ?olderThan',
        'GET /dlq/export ?newerThan',
        'DlqFilterDto.olderThan',
        'DlqFilterDto.newerThan',
      ]);
      for (const [where, schema] of schemas) {
        const text = JSON.stringify(schema);
        expect({ where, object: text.includes('"type":"object"') }).toEqual({
          where,
          object: false,
        });
        expect({ where, ref: text.includes('$ref') }).toEqual({ where, ref: false });
        expect({ where, schema }).toMatchObject({
          where,
          schema: {
            oneOf: [{ type: 'string' }, { type: 'integer', minimum: 0 }],
          },
        });
      }
    } finally {
      await sample.close();
    }
  });

  it('uses one Redis connection (DLQ store and /health), and closing ends the sessions and closes it', async () => {
    const watcher = new Redis(redis.url);
    try {
      const clients = async (): Promise<number> =>
        String(await watcher.call('CLIENT', 'LIST'))
          .trim()
          .split('\n').length;
      const before = await clients();
      const sample = await startSampleApp(env);
      await sample.http.post('/mcp/clients/demo/connect').set(sample.auth).expect(200);
      await sample.http.get('/health').expect(200); // opens the health ping connection
      expect(demo.sessionCount()).toBe(1);
      await sample.http.get('/dlq/stats').set(sample.auth).expect(200);
      expect(await clients()).toBe(before + 1);
      await sample.close();
      expect(demo.sessionCount()).toBe(0);
      await expect.poll(clients).toBe(before);
    } finally {
      watcher.disconnect();
    }
  });
});

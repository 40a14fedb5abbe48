import { FASTMCP_RESOLVED_OPTIONS, type ResolvedFastMcpOptions } from '@app/fastmcp';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../apps/sample/src/create-app.js';
import { startDemoMcpServer } from '../../apps/sample/src/demo-server/demo-mcp-server.js';
import type { DemoMcpServerHandle } from '../../apps/sample/src/demo-server/demo-mcp-server.interface.js';
import { findFreePort } from '../support/free-port.js';
import { startOAuthTestServer } from '../support/oauth/oauth-test-server.js';
import { bodyOf, serversEnv, startSampleApp, TEST_API_KEY } from './support/sample-test-app.js';

/** FASTMCP_SERVERS with one client-credentials server `github`, its auth fields overridden. */
function authServersEnv(auth: Record<string, unknown>, url = 'http://127.0.0.1:9/mcp'): string {
  return JSON.stringify({
    github: { url, auth: { type: 'client_credentials', clientId: 'svc', ...auth } },
  });
}

/** The start error of an app that must not start. */
async function startError(env: Record<string, string>): Promise<Error> {
  const app = await createApp({ env, registry: new Registry(), logger: false }).catch(
    (error: unknown) => error as Error,
  );
  if (!(app instanceof Error)) {
    await app.close();
    throw new Error('the app started');
  }
  return app;
}

describe('sample app start-up', () => {
  let demo: DemoMcpServerHandle;
  let deadRedisUrl: string;

  beforeAll(async () => {
    demo = await startDemoMcpServer();
    deadRedisUrl = `redis://127.0.0.1:${await findFreePort()}`;
  });
  afterAll(() => demo.close());

  it.each([
    [{ PORT: 'eighty' }, 'PORT: expected an integer 0..65535, got "eighty"'],
    [{ FASTMCP_SERVERS: '{not json' }, 'FASTMCP_SERVERS: not valid JSON'],
    [{ FASTMCP_SERVERS: '{"a":{"url":"ftp://x"}}' }, 'FASTMCP_SERVERS: servers.a.url'],
    [{ FASTMCP_SERVERS: '{"a":{}}' }, 'FASTMCP_SERVERS: server "a" needs a "url" string'],
    [{ FASTMCP_BASE_URL: 'nope' }, 'FASTMCP_BASE_URL: servers.default.url'],
    [{ FASTMCP_RETRY_JITTER: '2' }, 'FASTMCP_RETRY_JITTER: retry.jitter'],
    [{ FASTMCP_RETRY_MAX_RETRIES: 'x' }, 'FASTMCP_RETRY_MAX_RETRIES: expected an integer'],
    [{ FASTMCP_SHUTDOWN_GRACE_MS: 'soon' }, 'FASTMCP_SHUTDOWN_GRACE_MS: expected an integer'],
    [{ FASTMCP_RETRY_STATUS_CODES: '503,abc' }, 'FASTMCP_RETRY_STATUS_CODES'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL: expected redis://'],
    [{ REDIS_URL: 'redis://:pw@127.0.0.1:99999' }, 'REDIS_URL: is not a valid URL'],
    [{ REDIS_URL: 'redis://:p%zz@127.0.0.1:6379' }, 'REDIS_URL: has a user name or password'],
    [
      { FASTMCP_SERVERS: '{"__proto__":{"url":"http://127.0.0.1:9/mcp"}}' },
      'FASTMCP_SERVERS: key "__proto__" is not allowed',
    ],
    [
      {
        FASTMCP_SERVERS:
          '{"a":{"url":"http://127.0.0.1:9/mcp"},"a":{"url":"http://127.0.0.1:8/mcp"}}',
      },
      'FASTMCP_SERVERS: key "a" is given twice',
    ],
    [
      { FASTMCP_SERVERS: '{"a":{"url":"http://127.0.0.1:9/mcp","header":{}}}' },
      'FASTMCP_SERVERS: servers.a.header: is not an option',
    ],
    [{ FASTMCP_DLQ: 'disk' }, 'FASTMCP_DLQ: expected one of auto, redis, memory, got "disk"'],
    [{ FASTMCP_DLQ: 'redis' }, 'FASTMCP_DLQ: is redis, so REDIS_URL must be set'],
    [{ ADMIN_API_KEY: 'short' }, 'ADMIN_API_KEY: must be at least 16 characters'],
    [{ METRICS_PUBLIC: 'maybe' }, 'METRICS_PUBLIC: expected true or false'],
    [{ BODY_LIMIT: 'huge' }, 'BODY_LIMIT'],
    [
      { FASTMCP_SERVERS: authServersEnv({ clientSecretEnv: 'GITHUB_MCP_SECRET' }) },
      'GITHUB_MCP_SECRET: is not set (FASTMCP_SERVERS server "github" auth.clientSecretEnv names it)',
    ],
    [
      { FASTMCP_SERVERS: authServersEnv({ clientSecret: 'inline-secret' }) },
      'FASTMCP_SERVERS: server "github" auth: name the variable holding the secret',
    ],
    [
      { FASTMCP_SERVERS: authServersEnv({ clientSecretEnv: 'S', clientId: '' }), S: 'secret' },
      'FASTMCP_SERVERS: servers.github.auth.clientId: must be a non-empty string',
    ],
  ])('refuses %j with a message naming the variable', async (env, message) => {
    const error = await startError(env);
    expect(error.name).toBe('SampleConfigError');
    expect(error.message).toContain(message);
  });

  it('never repeats an inline secret in the start error', async () => {
    const error = await startError({
      FASTMCP_SERVERS: authServersEnv({ clientSecret: 'inline-secret-value' }),
    });
    expect(error.message).not.toContain('inline-secret-value');
  });

  it('never repeats a Redis password in the start error', async () => {
    for (const url of ['redis://:hunter2@127.0.0.1:99999', 'redis://:hunter2%zz@127.0.0.1:6379']) {
      const error = await startError({ REDIS_URL: url });
      expect(error.name).toBe('SampleConfigError');
      expect(error.message).toMatch(/^Invalid configuration: REDIS_URL: /);
      expect(error.message).not.toContain('hunter2');
      expect(JSON.stringify(error)).not.toContain('hunter2');
    }
  });

  it('calls an OAuth-protected server with client credentials whose secret is in a named variable', async () => {
    const oauth = await startOAuthTestServer({
      clients: [{ clientId: 'svc', secret: 'svc-secret-0123456789', scopes: ['mcp:read'] }],
    });
    const sample = await startSampleApp({
      FASTMCP_SERVERS: authServersEnv(
        { clientSecretEnv: 'GITHUB_MCP_SECRET', scope: 'mcp:read', issuer: oauth.issuer },
        oauth.url,
      ),
      GITHUB_MCP_SECRET: 'svc-secret-0123456789',
    });
    try {
      const call = await sample.http
        .post('/mcp/clients/github/tools/whoami/call')
        .set(sample.auth)
        .send({ arguments: {} })
        .expect(200);
      const [content] = bodyOf<{ content: Array<{ text: string }> }>(call).content;
      expect(JSON.parse(content.text)).toEqual({ clientId: 'svc', scopes: ['mcp:read'] });
      expect(oauth.tokenRequests).toEqual([
        expect.objectContaining({ clientId: 'svc', scope: 'mcp:read', status: 200 }),
      ]);
    } finally {
      await sample.close();
      await oauth.close();
    }
  });

  it('passes FASTMCP_SHUTDOWN_GRACE_MS and FASTMCP_DLQ_SPILL_FILE to the module', async () => {
    const sample = await startSampleApp({
      FASTMCP_SHUTDOWN_GRACE_MS: '1234',
      FASTMCP_DLQ_SPILL_FILE: '/tmp/sample-startup-spill.jsonl',
      FASTMCP_SERVERS: serversEnv('demo', demo.url),
    });
    try {
      const options = sample.app.get<ResolvedFastMcpOptions>(FASTMCP_RESOLVED_OPTIONS, {
        strict: false,
      });
      expect(options.shutdownGraceMs).toBe(1234);
      expect(options.dlq && options.dlq.spillFile).toBe('/tmp/sample-startup-spill.jsonl');
    } finally {
      await sample.close();
    }
  });

  it('lists every bad variable at once', async () => {
    const error = await startError({ PORT: '-1', HEALTH_TIMEOUT_MS: 'soon' });
    expect(error.message).toMatch(/PORT: .*; HEALTH_TIMEOUT_MS: /);
  });

  it('FASTMCP_DLQ=redis with an unreachable Redis fails the start', async () => {
    const error = await startError({
      FASTMCP_DLQ: 'redis',
      REDIS_URL: deadRedisUrl,
      FASTMCP_SERVERS: serversEnv('demo', demo.url),
    });
    expect(error.message).toContain('REDIS_URL: Redis is unreachable');
    expect(error.message).toContain('FASTMCP_DLQ=redis');
  });

  it('an unreachable Redis at start keeps the Redis store, says so, and /health reports it down', async () => {
    const sample = await startSampleApp({
      REDIS_URL: deadRedisUrl,
      FASTMCP_SERVERS: serversEnv('demo', demo.url),
    });
    try {
      const warnings = sample.logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
      expect(warnings.join('\n')).toMatch(
        /DLQ store: Redis at redis:\/\/127\.0\.0\.1:\d+ \(REDIS_URL is set\), unreachable at start .*buffered/,
      );
      const health = await sample.http.get('/health').expect(503);
      expect(bodyOf<{ details: Record<string, unknown> }>(health).details.redis).toMatchObject({
        status: 'down',
        dlq: 'redis',
      });
    } finally {
      await sample.close();
    }
  });

  it('FASTMCP_DLQ=memory keeps dead letters in memory on purpose and says so', async () => {
    const sample = await startSampleApp({
      FASTMCP_DLQ: 'memory',
      REDIS_URL: deadRedisUrl,
      FASTMCP_SERVERS: serversEnv('demo', demo.url),
    });
    try {
      const lines = sample.logger.lines.map((l) => l.message).join('\n');
      expect(lines).toContain('DLQ store: memory (FASTMCP_DLQ=memory)');
      const health = await sample.http.get('/health').expect(200);
      expect(bodyOf<{ details: Record<string, unknown> }>(health).details.redis).toMatchObject({
        status: 'up',
        dlq: 'memory',
      });
    } finally {
      await sample.close();
    }
  });

  it('with no MCP server configured, starts the demo server as client id demo and closes it', async () => {
    const sample = await startSampleApp({ DEMO_FLAKY_FAILURES: '0' });
    const clients = await sample.http.get('/mcp/clients').set(sample.auth).expect(200);
    const [only, ...others] = bodyOf<Array<Record<string, unknown>>>(clients);
    expect(others).toEqual([]);
    expect(only).toEqual({ clientId: 'demo', url: only.url, connected: false });
    expect(only.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const call = await sample.http
      .post('/mcp/clients/demo/tools/add/call')
      .set(sample.auth)
      .send({ arguments: { a: 2, b: 3 } })
      .expect(200);
    expect(bodyOf(call).structuredContent).toEqual({ sum: 5 });
    const warnings = sample.logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings.join('\n')).toContain('REDIS_URL is not set: dead letters are kept in memory');

    const demoUrl = String(only.url);
    await sample.close();
    // The client ended its session first (no warning), then the demo server closed.
    expect(sample.logger.lines.map((l) => l.message).join('\n')).not.toContain(
      'Could not end the session',
    );
    await expect(fetch(demoUrl, { method: 'POST' })).rejects.toThrow();
  });

  it('with no ADMIN_API_KEY, generates a key, prints it once and accepts only it', async () => {
    const sample = await startSampleApp({
      ADMIN_API_KEY: '',
      FASTMCP_SERVERS: serversEnv('demo', demo.url),
    });
    try {
      const lines = sample.logger.lines.filter((l) =>
        l.message.includes('the API key of this run'),
      );
      expect(lines).toHaveLength(1);
      const key = /the API key of this run is (\S+)/.exec(lines[0].message)?.[1] ?? '';
      expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
      await sample.http.get('/mcp/clients').set('x-api-key', TEST_API_KEY).expect(401);
      await sample.http.get('/mcp/clients').set('authorization', `Bearer ${key}`).expect(200);
    } finally {
      await sample.close();
    }
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import type { DlqOptions } from './dlq-options.interface.js';
import { resolveOptions } from './resolve-options.js';

/** Never connected to (lazyConnect): were one to be, nothing listens on port 1, not a user's Redis. */
const NOWHERE = { host: '127.0.0.1', port: 1 };

const TEN_YEARS_MS = 315_360_000_000;

/** The issues of `dlq`, as `field: message` lines; [] when it is accepted. */
function issuesOf(dlq: unknown): string[] {
  try {
    resolveOptions({ dlq: dlq as DlqOptions });
  } catch (error) {
    expect(error).toBeInstanceOf(FastMcpConfigError);
    return (error as FastMcpConfigError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  return [];
}

describe('dlq dates', () => {
  it('caps ttlMs so that now + ttlMs stays a valid date', () => {
    expect(issuesOf({ ttlMs: 9e15 })).toEqual([
      `dlq.ttlMs: must be a finite number between 1000 and ${TEN_YEARS_MS}, got 9000000000000000`,
    ]);
    expect(issuesOf({ ttlMs: TEN_YEARS_MS })).toEqual([]);
  });

  it('caps dedupWindowMs the same way', () => {
    expect(issuesOf({ dedupWindowMs: 9e15 })).toEqual([
      `dlq.dedupWindowMs: must be a finite number between 0 and ${TEN_YEARS_MS}, got 9000000000000000`,
    ]);
  });

  it.each([1e20, '999999999999999d', '4000d'])('caps redrive after %j at ten years', (after) => {
    expect(issuesOf({ redrive: [{ after }] })).toEqual([
      'dlq.redrive[0].after: must be a duration of at most 10 years: ms, or 30s, 5m, 2h, 1d',
    ]);
  });

  it('accepts an after of up to ten years', () => {
    expect(issuesOf({ redrive: [{ after: '3650d' }, { after: TEN_YEARS_MS }] })).toEqual([]);
  });
});

describe('dlq redrive match', () => {
  it('refuses a policy that can match nothing', () => {
    expect(
      issuesOf({
        redrive: [
          { after: '5m', match: { operation: ['call-tool'] } },
          { after: '5m', match: { errorClass: [] } },
          { after: '5m', match: { errorClass: ['http 503'], clientId: ['bad id!'] } },
          { after: '5m', match: { clientId: [], operation: ['call_tool', 'ping'] } },
        ],
      }),
    ).toEqual([
      'dlq.redrive[0].match.operation[0]: must be one of "connect", "list_tools", "call_tool"',
      'dlq.redrive[1].match.errorClass: must be a non-empty array of strings',
      'dlq.redrive[2].match.errorClass[0]: must be an error class such as http_503 or timeout (letters, digits, _ . : -), got "http 503"',
      'dlq.redrive[2].match.clientId[0]: must be a client id of letters, digits, . _ : -, got "bad id!"',
      'dlq.redrive[3].match.clientId: must be a non-empty array of strings',
      'dlq.redrive[3].match.operation[1]: must be one of "connect", "list_tools", "call_tool"',
    ]);
  });

  it('accepts every operation, error classes as the client names them and client ids', () => {
    expect(
      issuesOf({
        redrive: [
          {
            after: '5m',
            match: {
              operation: ['connect', 'list_tools', 'call_tool'],
              errorClass: ['http_503', 'protocol_-32602', 'circuit_open'],
              clientId: ['github', 'svc.a:b-c'],
            },
          },
        ],
      }),
    ).toEqual([]);
  });
});

describe('dlq.redis.url', () => {
  it.each([
    [
      'redis://:p%zz@127.0.0.1:6379',
      'has a user name or password that is not valid percent-encoding',
    ],
    ['redis://127.0.0.1:6379/abc', 'must have no path but a database number (/0, /1, ...)'],
    ['redis://127.0.0.1:0', 'must have a port 1..65535'],
    ['redis://:p@ss@127.0.0.1:6379#x', 'must not have a #fragment'],
    // ioredis would read keyPrefix, db or tls from it, over the module's own options.
    [
      'redis://:p@ss@127.0.0.1:6379/?keyPrefix=x:&tls=true',
      'must not have a ?query (set options in dlq.redis instead)',
    ],
  ])('refuses %s without repeating it', (url, message) => {
    const issues = issuesOf({ redis: { url } });
    expect(issues).toEqual([`dlq.redis.url: ${message}`]);
    expect(issues.join()).not.toMatch(/p%zz|ss@/);
  });

  it('accepts a password, a database number and rediss', () => {
    expect(issuesOf({ redis: { url: 'redis://:s3cret@127.0.0.1:6379/2' } })).toEqual([]);
    expect(issuesOf({ redis: { url: 'rediss://user:pa%40ss@redis.example.com' } })).toEqual([]);
  });
});

describe('dlq.spillFile', () => {
  it('refuses a path with a NUL character, which no file system takes', () => {
    expect(issuesOf({ spillFile: '/tmp/spill\0.jsonl' })).toEqual([
      'dlq.spillFile: must not contain a NUL character',
    ]);
    expect(issuesOf({ spillFile: '/tmp/spill.jsonl' })).toEqual([]);
    expect(issuesOf({ spillFile: false })).toEqual([]);
  });
});

describe('dlq.redis.client', () => {
  it('refuses a URL string, without quoting it', () => {
    const issues = issuesOf({ redis: { client: 'redis://:hunter2@127.0.0.1:6379' } });
    expect(issues).toEqual(['dlq.redis.client: must be an ioredis Redis or Cluster, got string']);
  });

  it('refuses an object that lacks the commands the store sends', () => {
    expect(issuesOf({ redis: { client: {} } })).toEqual([
      expect.stringMatching(
        /^dlq\.redis\.client: must be an ioredis Redis or Cluster \(missing evalsha, eval, .*zrevrangebyscore, info, pipeline, multi\)$/,
      ),
    ]);
  });

  it('accepts an ioredis Redis and an ioredis Cluster', () => {
    const redis = new Redis({ ...NOWHERE, lazyConnect: true });
    const cluster = new Cluster([NOWHERE], { lazyConnect: true });
    try {
      expect(issuesOf({ redis: { client: redis } })).toEqual([]);
      expect(issuesOf({ redis: { client: cluster } })).toEqual([]);
    } finally {
      redis.disconnect();
      cluster.disconnect();
    }
  });

  it("refuses a connection with its own keyPrefix, whose keys the store's scripts would miss", () => {
    const prefix = 'must not set an ioredis keyPrefix';
    const redis = new Redis({ ...NOWHERE, lazyConnect: true, keyPrefix: 'myapp:' });
    const cluster = new Cluster([NOWHERE], {
      lazyConnect: true,
      redisOptions: { keyPrefix: 'myapp:' },
    });
    try {
      expect(issuesOf({ redis: { client: redis } })).toEqual([
        expect.stringContaining(`dlq.redis.client: ${prefix}`),
      ]);
      expect(issuesOf({ redis: { client: cluster } })).toEqual([
        expect.stringContaining(`dlq.redis.client: ${prefix}`),
      ]);
      const nodes = ['127.0.0.1:1'];
      expect(issuesOf({ redis: { cluster: { nodes, options: { keyPrefix: 'a:' } } } })).toEqual([
        expect.stringContaining(`dlq.redis.cluster.options: ${prefix}`),
      ]);
    } finally {
      redis.disconnect();
      cluster.disconnect();
    }
  });

  it('lists every command the Redis store sends', async () => {
    const { DLQ_REDIS_COMMANDS } = await import('./validate-redis-options.js');
    const dir = new URL('../dlq/redis/', import.meta.url);
    const sent = new Set<string>();
    for (const file of readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'),
    )) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      for (const [, command] of source.matchAll(/redis\.(\w+)\(/g)) sent.add(command);
    }
    // Sent only on a connection the module opened itself.
    for (const own of ['on', 'once', 'off', 'quit', 'disconnect', 'select']) sent.delete(own);
    expect([...sent].sort()).toEqual([...DLQ_REDIS_COMMANDS].sort());
  });
});

describe('dlq.redis.namespace', () => {
  it.each(['', '  ', 5])('refuses %j', (namespace) => {
    expect(issuesOf({ redis: { namespace } })).toEqual([
      'dlq.redis.namespace: must be a non-empty string',
    ]);
  });
});

describe('dlq.redis.replicas', () => {
  const url = 'redis://127.0.0.1:1';
  it('accepts a count and a timeout within bounds', () => {
    expect(issuesOf({ redis: { url, replicas: { count: 1, timeoutMs: 1000 } } })).toEqual([]);
  });

  it('names each field that is missing or out of bounds', () => {
    expect(issuesOf({ redis: { url, replicas: { count: 0, timeoutMs: 5000 } } })).toEqual([
      expect.stringMatching(/^dlq\.redis\.replicas\.count: /),
      expect.stringMatching(/^dlq\.redis\.replicas\.timeoutMs: /),
    ]);
    expect(issuesOf({ redis: { url, replicas: { count: 1 } } })).toEqual([
      expect.stringMatching(/^dlq\.redis\.replicas\.timeoutMs: /),
    ]);
    expect(issuesOf({ redis: { url, replicas: 1 } })).toEqual([
      expect.stringMatching(/^dlq\.redis\.replicas: /),
    ]);
    expect(issuesOf({ redis: { url, replicas: { count: 1, timeoutMs: 10, wait: 1 } } })).toEqual([
      expect.stringMatching(/^dlq\.redis\.replicas\.wait: is not an option/),
    ]);
  });
});

describe('dlq.redis.cluster.nodes hosts and ports', () => {
  const BAD_NODE = 'expected { host, port } or "host:port", with a host and a port 1..65535';
  it.each([
    '127.0.0.1:99999',
    '127.0.0.1:0',
    0,
    65536,
    { host: 'h', port: 70000 },
    { port: 0 },
    // Without a host ioredis connects to 127.0.0.1, as a URL without one would (refused too).
    6379,
    { port: 6379 },
    { host: ' ', port: 6379 },
  ])('refuses %j', (node) => {
    expect(issuesOf({ redis: { cluster: { nodes: [node] } } })).toEqual([
      `dlq.redis.cluster.nodes[0]: ${BAD_NODE}`,
    ]);
  });

  it('refuses cluster options that are not an object', () => {
    expect(issuesOf({ redis: { cluster: { nodes: ['h:1'], options: 'x' } } })).toEqual([
      'dlq.redis.cluster.options: must be ioredis ClusterOptions, got string',
    ]);
    expect(issuesOf({ redis: { cluster: { nodes: ['h:1'], options: {} } } })).toEqual([]);
  });

  it('accepts ports 1 and 65535 in both forms', () => {
    const nodes = ['h:1', 'h:65535', { host: 'h', port: 1 }, { host: '10.0.0.1', port: 65535 }];
    expect(issuesOf({ redis: { cluster: { nodes } } })).toEqual([]);
  });
});

describe('dlq options that would do nothing', () => {
  it("refuses a Redis connection beside store: 'memory', which would ignore it", () => {
    expect(issuesOf({ store: 'memory', redis: { url: 'redis://127.0.0.1:6379' } })).toEqual([
      "dlq.redis: is given with store: 'memory', which would ignore it; remove one",
    ]);
    expect(issuesOf({ store: 'redis', redis: { url: 'redis://127.0.0.1:6379' } })).toEqual([]);
  });

  it('refuses secret header names no header can have, without quoting them', () => {
    const issues = issuesOf({
      secretHeaders: ['X-Api-Key', '', 'Authorization Bearer hunter2', 5],
    });
    expect(issues).toEqual([
      'dlq.secretHeaders[1]: must be an HTTP header name',
      'dlq.secretHeaders[2]: must be an HTTP header name',
      'dlq.secretHeaders[3]: must be an HTTP header name',
    ]);
    expect(issues.join()).not.toContain('hunter2');
  });

  it('refuses a hole in the redrive policies, which forEach would skip', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(issuesOf({ redrive: [, { after: '5s' }] })).toEqual([
      'dlq.redrive[0]: must be an object',
    ]);
  });
});

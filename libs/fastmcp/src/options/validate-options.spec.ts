import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { OPERATION_NAMES } from '../events/operation-name.js';
import { RetryPolicies } from '../retry/retry-policies.js';
import { DEFAULT_RETRY_OPTIONS } from './fastmcp-options.defaults.js';
import type { FastMcpModuleOptions } from './fastmcp-options.interface.js';
import { OptionChecks } from './option-checks.js';
import { resolveOptions } from './resolve-options.js';
import { checkRetry } from './validate-options.js';

/** Never connected to (lazyConnect): were one to be, nothing listens on port 1, not a user's Redis. */
const NOWHERE = { host: '127.0.0.1', port: 1 };

const URL_ = 'http://127.0.0.1:9/mcp';

/** The issues of `options` as `field: message` lines; [] when they are accepted. */
function issuesOf(options: unknown): string[] {
  try {
    resolveOptions(options as FastMcpModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(FastMcpConfigError);
    return (error as FastMcpConfigError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  return [];
}

const fieldsOf = (options: unknown): string[] => issuesOf(options).map((i) => i.split(': ')[0]);

describe('unknown keys', () => {
  it('names every key that is not an option, by its full path', () => {
    const credentials = {
      type: 'client_credentials',
      clientId: 'c',
      clientSecret: 's',
      issuer: 'https://auth.example.com',
    };
    const fields = fieldsOf({
      retires: 3,
      retry: { maxRetry: 2, operations: { call_tool: { maxRetry: 1 } } },
      servers: {
        a: {
          url: URL_,
          header: {},
          tools: { t: { retry: 'never', priorty: 'high' } },
          auth: { ...credentials, scopes: 'x' },
          retry: { timeoutMs: 5 },
        },
        b: {
          url: URL_,
          auth: {
            ...credentials,
            clientSecret: undefined,
            privateKeyJwt: { key: 'k'.repeat(32), alg: 'HS256', kid: '1' },
          },
        },
      },
      dlq: {
        ttl: 5,
        redis: { url: 'redis://127.0.0.1:6379', db: 2 },
        redrive: [{ after: '5m', maxRedrive: 2 }],
      },
      metrics: { namespac: 'x' },
      handlers: { sampler: () => undefined },
      clientInfo: { name: 'n', version: '1', title: 't' },
    });
    expect(fields.sort()).toEqual(
      [
        'retires',
        'retry.maxRetry',
        'retry.operations.call_tool.maxRetry',
        'servers.a.header',
        'servers.a.tools.t.priorty',
        'servers.a.auth.scopes',
        'servers.a.retry.timeoutMs',
        'servers.b.auth.privateKeyJwt.kid',
        'dlq.ttl',
        'dlq.redis.db',
        'dlq.redrive[0].maxRedrive',
        'metrics.namespac',
        'handlers.sampler',
        'clientInfo.title',
      ].sort(),
    );
  });

  it('lists the known options in the message', () => {
    expect(issuesOf({ metrics: { namespac: 'x' } })).toEqual([
      'metrics.namespac: is not an option (namespace, clientIdLabel, maxClientIdLabels)',
    ]);
    expect(issuesOf({ dlq: { redis: { cluster: { nodes: ['h:1'], opts: {} } } } })).toEqual([
      'dlq.redis.cluster.opts: is not an option (nodes, options)',
    ]);
  });
});

describe('wrong types', () => {
  it.each([
    [{ retry: 5 }, 'retry: must be an object'],
    [{ retry: 'fast' }, 'retry: must be an object'],
    [{ retry: null }, 'retry: must be an object'],
    [{ servers: [] }, 'servers: must be an object'],
    [{ dlq: 'redis' }, 'dlq: must be an object or false'],
    [{ dlq: null }, 'dlq: must be an object or false'],
    [{ dlq: { redis: 'redis://127.0.0.1' } }, 'dlq.redis: must be an object'],
    [{ metrics: 'off' }, 'metrics: must be an object or false'],
    [{ metrics: { clientIdLabel: 'yes' } }, 'metrics.clientIdLabel: must be one of true, false'],
    [{ clientInfo: 'x' }, 'clientInfo: must be an object'],
    [{ clientInfo: { name: 5, version: '1' } }, 'clientInfo.name: must be a non-empty string'],
    [{ clientInfo: { name: 'n' } }, 'clientInfo.version: must be a non-empty string'],
    [{ handlers: { elicitation: 'yes' } }, 'handlers.elicitation: must be a function'],
    [{ handlers: { samplingTools: 'yes' } }, 'handlers.samplingTools: must be true or false'],
    [{ handlers: { samplingTools: true } }, 'handlers.samplingTools: needs handlers.sampling'],
    [{ handlers: { taskRequests: 'no' } }, 'handlers.taskRequests: must be true or false'],
    [{ handlers: () => undefined }, 'handlers: must be an object'],
    [{ tracing: null }, 'tracing: must be one of true, false'],
    [{ shutdownGraceMs: null }, 'shutdownGraceMs: must be an integer, got null'],
    // Prometheus keeps names starting __ for itself.
    [
      { metrics: { namespace: '__fastmcp' } },
      'metrics.namespace: must be a Prometheus name prefix ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __), got "__fastmcp"',
    ],
    // No call can name such a tool, so its policy would never apply.
    [
      { servers: { a: { url: URL_, tools: { '': { retry: 'always' } } } } },
      'servers.a.tools: each key must be a tool name of 1 to 256 bytes of UTF-8, got ""',
    ],
    [
      { servers: { a: { url: URL_, tools: { ['t'.repeat(257)]: { retry: 'always' } } } } },
      `servers.a.tools: each key must be a tool name of 1 to 256 bytes of UTF-8, got "${'t'.repeat(40)}"`,
    ],
  ])('refuses %j', (options, issue) => {
    expect(issuesOf(options)).toEqual([issue]);
  });

  it('names what a number field got without quoting it, whatever it is', () => {
    const secret = { toString: () => 'hunter2' };
    const issues = [
      // From an environment variable or ConfigService.get(), unconverted.
      ...issuesOf({ shutdownGraceMs: '5000' }),
      ...issuesOf({ retry: { maxRetries: [3] } }),
      ...issuesOf({ retry: { maxRetries: Object.create(null) as object } }),
      ...issuesOf({ shutdownGraceMs: secret }),
      ...issuesOf({ servers: { a: { url: URL_, retry: { maxRetries: undefined } } } }),
      ...issuesOf({ metrics: { namespace: 5n } }),
    ];
    expect(issues).toEqual([
      'shutdownGraceMs: must be an integer, got a string (convert it with Number())',
      'retry.maxRetries: must be an integer, got an array',
      'retry.maxRetries: must be an integer, got an object',
      'shutdownGraceMs: must be an integer, got an object',
      'servers.a.retry.maxRetries: must be an integer, got undefined (omit the key for the default)',
      expect.stringMatching(/^metrics\.namespace: must be .*, got bigint$/),
    ]);
    expect(issues.join('\n')).not.toContain('hunter2');
  });

  it('accepts every documented form', () => {
    expect(
      issuesOf({
        dlq: false,
        metrics: false,
        handlers: { elicitation: () => ({ action: 'decline' }), roots: undefined },
        clientInfo: { name: 'app', version: '1.0.0' },
      }),
    ).toEqual([]);
  });
});

describe('option objects that are not plain objects', () => {
  class Server {
    url = URL_;
  }
  it.each([
    [
      { servers: new Map([['a', { url: URL_ }]]) },
      'servers: must be a plain object ({ ... }), got an instance of Map',
    ],
    [{ retry: new Date() }, 'retry: must be a plain object ({ ... }), got an instance of Date'],
    [
      { servers: { a: new Server() } },
      'servers.a: must be a plain object ({ ... }), got an instance of Server',
    ],
    [
      { servers: { a: { url: URL_, headers: new Map() } } },
      'servers.a.headers: must be a plain object ({ ... }), got an instance of Map',
    ],
    [
      { retry: { operations: { call_tool: new Date() } } },
      'retry.operations.call_tool: must be a plain object ({ ... }), got an instance of Date',
    ],
    [
      { dlq: { redis: { cluster: new Map() } } },
      'dlq.redis.cluster: must be a plain object ({ ... }), got an instance of Map',
    ],
    [
      { resilience: { circuitBreaker: new Date() } },
      'resilience.circuitBreaker: must be a plain object ({ ... }), got an instance of Date',
    ],
  ])('refuses %o', (options, issue) => {
    expect(issuesOf(options)).toEqual([issue]);
  });

  it('refuses a class instance as the options object', () => {
    class Options {
      retry = { maxRetries: 2 };
    }
    expect(issuesOf(new Options())).toEqual([
      'options: must be a plain object (or undefined for the defaults), got an instance of Options',
    ]);
  });

  it('still takes objects without a prototype, and class instances where they are the option', () => {
    const bare = <T extends object>(fields: T): T =>
      Object.assign(Object.create(null) as T, fields);
    const options = bare({
      retry: bare({ maxRetries: 2 }),
      servers: bare({ a: bare({ url: URL_ }) }),
    });
    expect(issuesOf(options)).toEqual([]);
    expect(Object.isFrozen(resolveOptions(options).servers.a)).toBe(true);
    const redis = new Redis({ ...NOWHERE, lazyConnect: true });
    const auth = new ClientCredentialsProvider({ clientId: 'a', clientSecret: 's' });
    try {
      expect(
        issuesOf({
          servers: { a: { url: URL_, auth } },
          dlq: { redis: { client: redis } },
          handlers: { elicitation: () => ({ action: 'decline' }) },
        }),
      ).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

describe('URL schemes', () => {
  it('names a wrong scheme without quoting it: a URL without one may start with a secret', () => {
    const issues = issuesOf({
      baseUrl: 'hunter2:x',
      servers: {
        a: {
          url: 'hunter2:x',
          auth: {
            type: 'client_credentials',
            clientId: 'c',
            clientSecret: 's',
            issuer: 'hunter2:x',
          },
        },
      },
      dlq: { redis: { url: 'hunter2:x' } },
    });
    expect(issues).toEqual([
      'baseUrl: must use http or https',
      'servers.a.url: must use http or https',
      'servers.a.auth.issuer: must use http or https',
      'dlq.redis.url: must use redis or rediss',
    ]);
  });
});

describe('the options object itself', () => {
  it.each([null, 'x', 5, [], true])('refuses %j with a FastMcpConfigError', (options) => {
    expect(issuesOf(options)).toEqual([
      expect.stringMatching(/^options: must be an object \(or undefined for the defaults\)/),
    ]);
  });

  it('takes undefined as every default', () => {
    expect(resolveOptions(undefined).retry).toEqual(DEFAULT_RETRY_OPTIONS);
  });
});

describe('milliseconds that reach a timer', () => {
  const OVER = 3e9;
  it.each([
    ['retry.initialDelayMs', { retry: { initialDelayMs: OVER } }, 0],
    ['retry.maxDelayMs', { retry: { maxDelayMs: OVER } }, 0],
    ['retry.totalTimeoutMs', { retry: { totalTimeoutMs: OVER } }, 1],
    ['retry.requestTimeoutMs', { retry: { requestTimeoutMs: OVER } }, 1],
    [
      'retry.operations.call_tool.requestTimeoutMs',
      { retry: { operations: { call_tool: { requestTimeoutMs: OVER } } } },
      1,
    ],
    [
      'servers.a.retry.totalTimeoutMs',
      { servers: { a: { url: URL_, retry: { totalTimeoutMs: OVER } } } },
      1,
    ],
    ['shutdownGraceMs', { shutdownGraceMs: OVER }, 0],
    ['dlq.redriveIntervalMs', { dlq: { redriveIntervalMs: OVER } }, 100],
    ['dlq.replayLeaseMs', { dlq: { replayLeaseMs: OVER } }, 100],
    ['resilience.circuitBreaker.openMs', { resilience: { circuitBreaker: { openMs: OVER } } }, 1],
    [
      'resilience.circuitBreaker.windowMs',
      { resilience: { circuitBreaker: { windowMs: OVER } } },
      1000,
    ],
  ])('caps %s at 2147483647', (field, options, min) => {
    expect(issuesOf(options)).toEqual([
      `${field}: must be a finite number between ${min} and 2147483647, got 3000000000`,
    ]);
  });

  it('accepts 2147483647 itself', () => {
    const max = 2_147_483_647;
    expect(
      issuesOf({
        retry: { maxDelayMs: max, totalTimeoutMs: max, requestTimeoutMs: max },
        shutdownGraceMs: max,
        dlq: { redriveIntervalMs: max, replayLeaseMs: max },
      }),
    ).toEqual([]);
  });
});

describe('combinations', () => {
  it('refuses retry.maxDelayMs below retry.initialDelayMs, at every level', () => {
    expect(issuesOf({ retry: { initialDelayMs: 500, maxDelayMs: 100 } })).toEqual([
      'retry.maxDelayMs: must be at least retry.initialDelayMs (500), got 100',
    ]);
    expect(
      issuesOf({
        retry: { initialDelayMs: 500 },
        servers: { a: { url: URL_, retry: { maxDelayMs: 100 } } },
      }),
    ).toEqual(['servers.a.retry.maxDelayMs: must be at least retry.initialDelayMs (500), got 100']);
  });

  it('checks each operation of a server as the client merges it, naming where each value is set', () => {
    // Merged at run time: module retry, server retry, module operations, server operations.
    expect(
      issuesOf({
        retry: { operations: { call_tool: { initialDelayMs: 5000 } } },
        servers: { a: { url: URL_, retry: { maxDelayMs: 1000 } } },
      }),
    ).toEqual([
      'retry.operations.call_tool.initialDelayMs: must be at most servers.a.retry.maxDelayMs (1000), got 5000',
    ]);
    expect(
      issuesOf({
        retry: { operations: { connect: { maxDelayMs: 200 } } },
        servers: {
          a: { url: URL_, retry: { operations: { connect: { initialDelayMs: 300 } } } },
        },
      }),
    ).toEqual([
      'servers.a.retry.operations.connect.initialDelayMs: must be at most retry.operations.connect.maxDelayMs (200), got 300',
    ]);
  });

  it('accepts only options whose every merged policy the client accepts at run time', () => {
    const options = {
      retry: { maxDelayMs: 2000, operations: { call_tool: { initialDelayMs: 1500 } } },
      servers: {
        a: { url: URL_, retry: { operations: { call_tool: { maxDelayMs: 1500 } } } },
        b: { url: URL_, retry: { initialDelayMs: 50, operations: { list_tools: { jitter: 0 } } } },
      },
    };
    expect(issuesOf(options)).toEqual([]);
    const policies = new RetryPolicies(resolveOptions(options));
    const checks = new OptionChecks();
    for (const clientId of ['a', 'b', 'unconfigured']) {
      for (const operation of [undefined, ...OPERATION_NAMES]) {
        checkRetry(checks, policies.forOperation(clientId, operation), `${clientId} ${operation}`);
      }
    }
    expect(checks.issues).toEqual([]);
  });

  it('names every bad resilience field at once: a policy of the wrong shape does not hide the others', () => {
    const fields = (options: unknown) => issuesOf(options).map((issue) => issue.split(':')[0]);
    expect(
      fields({
        resilience: {
          circuitBreaker: true,
          rateLimit: { requestsPerSecond: 0, maxConcurrent: -1 },
        },
      }),
    ).toEqual([
      'resilience.circuitBreaker',
      'resilience.rateLimit.requestsPerSecond',
      'resilience.rateLimit.maxConcurrent',
    ]);
    expect(
      fields({
        resilience: {
          rateLimit: { requestPerSecond: 5, maxConcurrent: 0 },
          circuitBreaker: { openMs: -1 },
        },
      }),
    ).toEqual(['resilience.rateLimit.requestPerSecond', 'resilience.circuitBreaker.openMs']);
    expect(
      fields({
        resilience: {
          rateLimit: { requestsPerSecond: 1, minRequestsPerSecond: 5 },
          circuitBreaker: { openMs: 0 },
        },
      }),
    ).toEqual(['resilience.circuitBreaker.openMs', 'resilience.rateLimit.minRequestsPerSecond']);
  });

  it('checks a server rate limit over the module one, not over the defaults', () => {
    expect(
      issuesOf({
        resilience: { rateLimit: { requestsPerSecond: 10 } },
        servers: { a: { url: URL_, resilience: { rateLimit: { minRequestsPerSecond: 50 } } } },
      }),
    ).toEqual([
      'servers.a.resilience.rateLimit.minRequestsPerSecond: must be at most resilience.rateLimit.requestsPerSecond (10), got 50',
    ]);
    expect(
      issuesOf({
        resilience: { rateLimit: { minRequestsPerSecond: 5 } },
        servers: { a: { url: URL_, resilience: { rateLimit: { requestsPerSecond: 2 } } } },
      }),
    ).toEqual([
      'servers.a.resilience.rateLimit.requestsPerSecond: must be at least resilience.rateLimit.minRequestsPerSecond (5), got 2',
    ]);
    expect(
      issuesOf({ resilience: { rateLimit: { requestsPerSecond: 10, minRequestsPerSecond: 50 } } }),
    ).toEqual([
      'resilience.rateLimit.minRequestsPerSecond: must be at most resilience.rateLimit.requestsPerSecond (10), got 50',
    ]);
  });
});

describe('URL fragments', () => {
  it('refuses a #fragment in every URL option, naming it', () => {
    expect(
      issuesOf({
        baseUrl: 'http://127.0.0.1:9/mcp#',
        servers: {
          a: { url: 'http://127.0.0.1:9/mcp#frag' },
          b: {
            url: URL_,
            auth: {
              type: 'client_credentials',
              clientId: 'c',
              clientSecret: 's',
              issuer: 'https://auth.example.com#x',
            },
          },
        },
      }),
    ).toEqual([
      'baseUrl: must not have a #fragment',
      'servers.a.url: must not have a #fragment',
      'servers.b.auth.issuer: must not have a #fragment',
    ]);
  });
});

describe('URLs with spaces or control characters', () => {
  it.each([
    ['a space in the path', 'http://127.0.0.1:9/m cp'],
    ['a newline in the path', 'http://127.0.0.1:9/m\ncp'],
    ['a tab inside the host', 'http://127.0.\t0.1:9/mcp'],
    ['a trailing no-break space (the parser encodes it)', 'http://127.0.0.1:9/mcp\u00a0'],
  ])('refuses %s (the parser would drop or encode it silently), naming the field', (_, url) => {
    expect(URL.canParse(url)).toBe(true);
    expect(issuesOf({ baseUrl: url, servers: { a: { url } } })).toEqual([
      'baseUrl: must not contain spaces or control characters',
      'servers.a.url: must not contain spaces or control characters',
    ]);
  });

  it('keeps percent-encoded spaces, which name the same address on every parser', () => {
    expect(issuesOf({ servers: { a: { url: 'http://127.0.0.1:9/m%20cp' } } })).toEqual([]);
  });

  it("accepts a space or newline at either end (a secret file's newline), which every parser drops", () => {
    const url = ' http://127.0.0.1:9/mcp\n';
    expect(new URL(url).href).toBe('http://127.0.0.1:9/mcp');
    expect(issuesOf({ baseUrl: url, servers: { a: { url: `${url}\r\n` } } })).toEqual([]);
  });
});

describe('clientInfo', () => {
  it('caps name and version at 256 characters: both go out with every 2026-07-28 request', () => {
    expect(issuesOf({ clientInfo: { name: 'n'.repeat(10_000), version: '1' } })).toEqual([
      'clientInfo.name: must be at most 256 characters, got 10000',
    ]);
    expect(issuesOf({ clientInfo: { name: 'svc', version: 'v'.repeat(257) } })).toEqual([
      'clientInfo.version: must be at most 256 characters, got 257',
    ]);
    expect(issuesOf({ clientInfo: { name: 'n'.repeat(256), version: '1.0.0' } })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { DEFAULT_RETRY_OPTIONS } from './fastmcp-options.defaults.js';
import type { FastMcpModuleOptions } from './fastmcp-options.interface.js';
import { resolveOptions } from './resolve-options.js';

function issuesOf(options: FastMcpModuleOptions): string[] {
  try {
    resolveOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(FastMcpConfigError);
    return (error as FastMcpConfigError).issues.map((i) => i.field);
  }
  throw new Error('expected a FastMcpConfigError');
}

describe('resolveOptions', () => {
  it('fills every default and freezes the result', () => {
    const resolved = resolveOptions({});
    expect(resolved.retry).toEqual(DEFAULT_RETRY_OPTIONS);
    expect(resolved.retry).toMatchObject({
      maxRetries: 3,
      initialDelayMs: 100,
      multiplier: 2,
      maxDelayMs: 30_000,
      jitter: 0.1,
      totalTimeoutMs: 300_000,
      requestTimeoutMs: 30_000,
      retryableStatusCodes: [429, 500, 502, 503, 504],
    });
    expect(resolved.dlq).toMatchObject({
      store: 'memory',
      ttlMs: 604_800_000,
      maxEntries: 100_000,
    });
    expect(resolved.metrics).toMatchObject({ namespace: 'fastmcp' });
    expect(resolved.tracing).toBe(true);
    expect(Object.isFrozen(resolved.retry)).toBe(true);
    expect(Object.isFrozen(resolved.retry.retryableStatusCodes)).toBe(true);
  });

  it("freezes a copy: the caller's objects stay writable, and a later write changes nothing", () => {
    const headers = { 'x-tenant': 'a' };
    const servers = { a: { url: 'http://127.0.0.1:9/mcp', headers } };
    const statusCodes = [503];
    const resolved = resolveOptions({ servers, retry: { retryableStatusCodes: statusCodes } });
    headers['x-tenant'] = 'b';
    statusCodes.push(500);
    servers.a.url = 'http://127.0.0.1:10/mcp';
    expect(resolved.servers.a?.headers).toEqual({ 'x-tenant': 'a' });
    expect(resolved.servers.a?.url).toBe('http://127.0.0.1:9/mcp');
    expect(resolved.retry.retryableStatusCodes).toEqual([503]);
    expect(Object.isFrozen(resolved.servers.a?.headers)).toBe(true);
    expect(Object.getPrototypeOf(resolved.servers)).toBeNull();
  });

  it('keeps given values over defaults and ignores undefined fields', () => {
    const resolved = resolveOptions({ retry: { maxRetries: 5, jitter: undefined } });
    expect(resolved.retry.maxRetries).toBe(5);
    expect(resolved.retry.jitter).toBe(0.1);
  });

  it("keeps servers without a prototype: 'constructor' or 'toString' is no configured client id", () => {
    const resolved = resolveOptions({ servers: { a: { url: 'http://127.0.0.1:9/mcp' } } });
    for (const clientId of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      expect(resolved.servers[clientId], clientId).toBeUndefined();
    }
    expect(resolved.servers.a?.url).toBe('http://127.0.0.1:9/mcp');
  });

  it('picks the Redis store when a Redis source is given', () => {
    const resolved = resolveOptions({ dlq: { redis: { url: 'redis://127.0.0.1:6390' } } });
    expect(resolved.dlq && resolved.dlq.store).toBe('redis');
    expect(resolveOptions({ dlq: false, metrics: false })).toMatchObject({
      dlq: false,
      metrics: false,
    });
  });

  it('lists every bad field in one error', () => {
    const fields = issuesOf({
      baseUrl: 'not a url',
      servers: { good: { url: 'ftp://x' }, 'bad id!': { url: 'http://127.0.0.1/mcp' } },
      retry: {
        maxRetries: -1,
        initialDelayMs: -5,
        multiplier: 0.5,
        jitter: 1.5,
        totalTimeoutMs: 0,
        retryableStatusCodes: [503, 42],
      },
      dlq: { store: 'redis', keyPrefix: '{bad}', ttlMs: 10 },
      metrics: { namespace: 'has-dash' },
    });
    expect(fields).toEqual(
      expect.arrayContaining([
        'baseUrl',
        'servers.good.url',
        'servers.bad id!',
        'retry.maxRetries',
        'retry.initialDelayMs',
        'retry.multiplier',
        'retry.jitter',
        'retry.totalTimeoutMs',
        'retry.retryableStatusCodes[1]',
        'dlq.redis',
        'dlq.keyPrefix',
        'dlq.ttlMs',
        'metrics.namespace',
      ]),
    );
  });

  it('names every bad DLQ cluster, dedup and redrive field', () => {
    const fields = issuesOf({
      dlq: {
        redis: { cluster: { nodes: ['no-port', { host: 'h' }] } },
        dedupWindowMs: -1,
        redriveIntervalMs: 5,
        redrive: [
          {
            after: 'soon',
            backoff: 0.5,
            maxRedrives: 0,
            match: { errorClass: 'http_503' as never },
          },
          { after: '5m', match: { nope: [] } as never },
        ],
      },
    });
    expect(fields).toEqual([
      'dlq.redis.cluster.nodes[0]',
      'dlq.redis.cluster.nodes[1]',
      'dlq.dedupWindowMs',
      'dlq.redriveIntervalMs',
      'dlq.redrive[0].after',
      'dlq.redrive[0].backoff',
      'dlq.redrive[0].maxRedrives',
      'dlq.redrive[0].match.errorClass',
      'dlq.redrive[1].match.nope',
    ]);
    const resolved = resolveOptions({
      dlq: {
        redis: { cluster: { nodes: [{ host: '127.0.0.1', port: 7000 }, '127.0.0.1:7001'] } },
        redrive: [{ match: { errorClass: ['http_503'] }, after: '5m' }],
      },
    });
    expect(resolved.dlq && resolved.dlq.redrive).toEqual([
      { match: { errorClass: ['http_503'] }, afterMs: 300_000, backoff: 2, maxRedrives: 5 },
    ]);
    expect(resolved.dlq && resolved.dlq.dedupWindowMs).toBe(300_000);
  });

  it('names the field in the message', () => {
    expect(() => resolveOptions({ retry: { jitter: 2 } })).toThrow(
      /retry\.jitter: must be a finite number between 0 and 1/,
    );
    expect(() =>
      resolveOptions({ servers: { a: { url: 'http://x/mcp', protocolVersion: '1999-01-01' } } }),
    ).toThrow(/servers\.a\.protocolVersion/);
    expect(() => resolveOptions({ tracing: 'yes' as unknown as boolean })).toThrow(
      /tracing: must be one of true, false/,
    );
  });

  it('takes only error statuses (400-599) as retryable or not delivered', () => {
    const retry = { retryableStatusCodes: [503, 200, 302], notDeliveredStatusCodes: [429, 100] };
    expect(issuesOf({ retry })).toEqual([
      'retry.retryableStatusCodes[1]',
      'retry.retryableStatusCodes[2]',
      'retry.notDeliveredStatusCodes[1]',
    ]);
    expect(() => resolveOptions({ retry })).toThrow(
      /retry\.retryableStatusCodes\[1\]: must be an HTTP error status \(400-599\), got 200/,
    );
    expect(resolveOptions({ retry: { retryableStatusCodes: [400, 599] } }).retry).toMatchObject({
      retryableStatusCodes: [400, 599],
    });
  });

  it('names the other option of a comparison in the issue, not only in its text', () => {
    const error = (() => {
      try {
        return resolveOptions({ retry: { initialDelayMs: 60_000 } });
      } catch (thrown) {
        return thrown as FastMcpConfigError;
      }
    })();
    expect(error).toBeInstanceOf(FastMcpConfigError);
    expect((error as FastMcpConfigError).issues).toEqual([
      {
        field: 'retry.maxDelayMs',
        message: 'must be at least retry.initialDelayMs (60000), got 30000',
        comparedWith: 'retry.initialDelayMs',
      },
    ]);
  });

  it.each(['auto', '2026-07-28', '2025-11-25', '2025-03-26'])(
    'accepts servers.*.protocolVersion %s',
    (protocolVersion) => {
      const resolved = resolveOptions({ servers: { a: { url: 'http://x/mcp', protocolVersion } } });
      expect(resolved.servers.a.protocolVersion).toBe(protocolVersion);
    },
  );
});

describe('resilience options', () => {
  it('names unknown and bad fields once, at the level that has them', () => {
    const error = (() => {
      try {
        resolveOptions({
          resilience: { circuitBreaker: { openMs: 0 } },
          servers: {
            a: {
              url: 'http://127.0.0.1:1/mcp',
              resilience: { retryBudget: { ratio: 0.2 }, rateLimit: { openMS: 5 } as never },
            },
          },
        });
      } catch (caught) {
        return caught as FastMcpConfigError;
      }
      throw new Error('expected a FastMcpConfigError');
    })();
    expect(error.issues.map((issue) => issue.field).sort()).toEqual([
      'resilience.circuitBreaker.openMs',
      'servers.a.resilience.rateLimit.openMS',
    ]);
  });
});

describe('options that throw when read', () => {
  function errorOf(options: unknown): FastMcpConfigError {
    try {
      resolveOptions(options as FastMcpModuleOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(FastMcpConfigError);
      return error as FastMcpConfigError;
    }
    throw new Error('expected a FastMcpConfigError');
  }
  const UNREADABLE = 'could not be read: a getter or Proxy trap threw Error';

  it('names a getter that throws, never quoting what it threw (kept as the cause)', () => {
    const thrown = new Error('hunter2');
    const error = errorOf({
      get retry(): never {
        throw thrown;
      },
    });
    expect(error.issues).toEqual([{ field: 'retry', message: UNREADABLE }]);
    expect(error.message).not.toContain('hunter2');
    expect(error.cause).toBe(thrown);
  });

  it('names nested getters and Proxy traps that throw', () => {
    const error = errorOf({
      servers: {
        get a(): never {
          throw new Error('boom');
        },
        b: new Proxy(
          { url: 'http://127.0.0.1:9/mcp' },
          {
            ownKeys() {
              throw new Error('boom');
            },
          },
        ),
      },
    });
    expect(error.issues).toEqual([
      { field: 'servers.a', message: UNREADABLE },
      { field: 'servers.b', message: UNREADABLE },
    ]);
  });
});

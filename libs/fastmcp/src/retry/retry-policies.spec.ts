import { describe, expect, it } from 'vitest';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { resolveOptions } from '../options/resolve-options.js';
import { RetryPolicies } from './retry-policies.js';

const options = resolveOptions({
  retry: { maxRetries: 4 },
  servers: {
    slow: { url: 'http://127.0.0.1:1/mcp', retry: { requestTimeoutMs: 90_000, maxRetries: 1 } },
    plain: { url: 'http://127.0.0.1:2/mcp' },
  },
});

describe('RetryPolicies', () => {
  const policies = new RetryPolicies(options);

  it('layers module, server and call policies', () => {
    expect(policies.forClient('plain')).toBe(options.retry);
    expect(policies.forClient('slow')).toMatchObject({
      maxRetries: 1,
      requestTimeoutMs: 90_000,
      initialDelayMs: 100,
    });
    expect(policies.forCall('slow', { retry: { maxRetries: 0 } })).toMatchObject({
      maxRetries: 0,
      requestTimeoutMs: 90_000,
    });
    expect(policies.forClient('unknown')).toBe(options.retry);
  });

  it('rejects bad call overrides with the field named', () => {
    expect(() => policies.forCall('plain', { retry: { jitter: -1 } })).toThrow(FastMcpConfigError);
    expect(() => policies.forCall('plain', { timeoutMs: 0 })).toThrow(/opts\.timeoutMs/);
    // Past Node's longest timer, a budget would fire after 1 ms.
    expect(() => policies.forCall('plain', { timeoutMs: 3e9 })).toThrow(
      /opts\.timeoutMs: must be a finite number between 1 and 2147483647/,
    );
  });

  it('rejects a bad server policy at start-up', () => {
    expect(() =>
      resolveOptions({ servers: { s: { url: 'http://127.0.0.1/mcp', retry: { multiplier: 0 } } } }),
    ).toThrow(/servers\.s\.retry\.multiplier/);
  });
});

describe('RetryPolicies per operation', () => {
  const layered = resolveOptions({
    retry: { maxRetries: 4, operations: { call_tool: { maxRetries: 1, initialDelayMs: 50 } } },
    servers: {
      pay: {
        url: 'http://127.0.0.1:1/mcp',
        retry: { requestTimeoutMs: 5000, operations: { call_tool: { maxRetries: 0 } } },
      },
      plain: { url: 'http://127.0.0.1:2/mcp' },
    },
  });
  const policies = new RetryPolicies(layered);

  it('puts retry.operations over the module and server policy, beneath opts.retry', () => {
    expect(policies.forOperation('plain', 'call_tool')).toMatchObject({
      maxRetries: 1,
      initialDelayMs: 50,
    });
    expect(policies.forOperation('plain', 'list_tools')).toMatchObject({ maxRetries: 4 });
    expect(policies.forOperation('pay', 'call_tool')).toMatchObject({
      maxRetries: 0,
      initialDelayMs: 50,
      requestTimeoutMs: 5000,
    });
    expect(policies.forOperation('pay', 'connect')).toMatchObject({
      maxRetries: 4,
      requestTimeoutMs: 5000,
    });
    expect(policies.forCall('pay', { retry: { maxRetries: 2 } }, 'call_tool').maxRetries).toBe(2);
    expect('operations' in policies.forOperation('pay', 'connect')).toBe(false);
  });

  it('names a bad per-operation field at start-up', () => {
    expect(() => resolveOptions({ retry: { operations: { call_tool: { jitter: 2 } } } })).toThrow(
      /retry\.operations\.call_tool\.jitter/,
    );
    expect(() =>
      resolveOptions({ retry: { operations: { ping: { maxRetries: 1 } } as never } }),
    ).toThrow(/retry\.operations\.ping/);
    expect(() =>
      resolveOptions({
        servers: {
          s: {
            url: 'http://127.0.0.1/mcp',
            retry: { operations: { connect: { maxRetries: -1 } } },
          },
        },
      }),
    ).toThrow(/servers\.s\.retry\.operations\.connect\.maxRetries/);
  });
});

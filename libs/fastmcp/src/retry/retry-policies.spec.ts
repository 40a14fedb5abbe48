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
  });

  it('rejects a bad server policy at start-up', () => {
    expect(() =>
      resolveOptions({ servers: { s: { url: 'http://127.0.0.1/mcp', retry: { multiplier: 0 } } } }),
    ).toThrow(/servers\.s\.retry\.multiplier/);
  });
});

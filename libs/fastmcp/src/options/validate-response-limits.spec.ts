import { describe, expect, it } from 'vitest';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import type { FastMcpModuleOptions } from './fastmcp-options.interface.js';
import { resolveOptions } from './resolve-options.js';

const MiB = 1024 * 1024;

function issuesOf(options: FastMcpModuleOptions): Record<string, string> {
  try {
    resolveOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(FastMcpConfigError);
    return Object.fromEntries(
      (error as FastMcpConfigError).issues.map((i) => [i.field, i.message]),
    );
  }
  throw new Error('expected a FastMcpConfigError');
}

describe('response limits', () => {
  it('default to 32 MiB an answer and 256 MiB in flight', () => {
    const resolved = resolveOptions({});
    expect(resolved.maxResponseBytes).toBe(32 * MiB);
    expect(resolved.maxBufferedResponseBytes).toBe(256 * MiB);
  });

  it('name every bad field, the servers’ included', () => {
    const issues = issuesOf({
      maxResponseBytes: 1.5,
      maxBufferedResponseBytes: -1,
      servers: { a: { url: 'http://127.0.0.1/mcp', maxResponseBytes: 1024 ** 3 } },
    });
    expect(Object.keys(issues).sort()).toEqual([
      'maxBufferedResponseBytes',
      'maxResponseBytes',
      'servers.a.maxResponseBytes',
    ]);
    expect(issues.maxResponseBytes).toMatch(/integer/);
    expect(issues['servers.a.maxResponseBytes']).toMatch(/between 1024 and 536870912/);
  });

  it('refuse a budget smaller than an answer may be', () => {
    const issues = issuesOf({ maxResponseBytes: 4 * MiB, maxBufferedResponseBytes: 2 * MiB });
    expect(issues).toEqual({
      maxBufferedResponseBytes: expect.stringMatching(/at least maxResponseBytes/) as string,
    });
  });
});

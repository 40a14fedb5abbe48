import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { McpServerConfig } from '../options/server-config.interface.js';
import { isSafeToRepeat } from './tool-repeat-safety.js';

const tool = (annotations?: Tool['annotations']): Tool => ({
  name: 'pay',
  inputSchema: { type: 'object' },
  annotations,
});
const server = (extra: Partial<McpServerConfig> = {}): McpServerConfig => ({
  url: 'http://127.0.0.1:1/mcp',
  ...extra,
});

describe('isSafeToRepeat', () => {
  it('is false for an unannotated tool, and for any tool never listed', () => {
    expect(isSafeToRepeat(server(), 'pay', tool())).toBe(false);
    expect(isSafeToRepeat(server({ trustToolAnnotations: true }), 'pay', undefined)).toBe(false);
  });

  it("makes a tool with no policy of its own safe under ambiguousToolCalls: 'always'", () => {
    expect(isSafeToRepeat(server(), 'pay', tool(), 'always')).toBe(true);
    expect(isSafeToRepeat(server(), 'pay', undefined, 'always')).toBe(true);
    expect(isSafeToRepeat(server(), 'pay', tool(), 'when-safe')).toBe(false);
  });

  it("lets a tool's own policy win over ambiguousToolCalls: 'always'", () => {
    const own = (retry: 'always' | 'never' | 'idempotent') => server({ tools: { pay: { retry } } });
    expect(isSafeToRepeat(own('never'), 'pay', tool(), 'always')).toBe(false);
    expect(isSafeToRepeat(own('idempotent'), 'pay', tool(), 'always')).toBe(false);
    expect(isSafeToRepeat(own('idempotent'), 'pay', tool({ idempotentHint: true }), 'always')).toBe(
      true,
    );
  });

  it('ignores annotations unless the server is trusted', () => {
    const idempotent = tool({ idempotentHint: true });
    const readOnly = tool({ readOnlyHint: true });
    expect(isSafeToRepeat(server(), 'pay', idempotent)).toBe(false);
    expect(isSafeToRepeat(server({ trustToolAnnotations: true }), 'pay', idempotent)).toBe(true);
    expect(isSafeToRepeat(server({ trustToolAnnotations: true }), 'pay', readOnly)).toBe(true);
    expect(
      isSafeToRepeat(
        server({ trustToolAnnotations: true }),
        'pay',
        tool({ idempotentHint: false }),
      ),
    ).toBe(false);
  });

  it('lets the per-tool policy win over annotations and trust', () => {
    const trusted = (retry: 'always' | 'never' | 'idempotent') =>
      server({ trustToolAnnotations: true, tools: { pay: { retry } } });
    expect(isSafeToRepeat(trusted('always'), 'pay', tool())).toBe(true);
    expect(isSafeToRepeat(trusted('never'), 'pay', tool({ idempotentHint: true }))).toBe(false);
    const untrusted = server({ tools: { pay: { retry: 'idempotent' } } });
    expect(isSafeToRepeat(untrusted, 'pay', tool({ readOnlyHint: true }))).toBe(true);
    expect(isSafeToRepeat(untrusted, 'pay', tool())).toBe(false);
    expect(isSafeToRepeat(untrusted, 'other', tool({ readOnlyHint: true }))).toBe(false);
  });
});

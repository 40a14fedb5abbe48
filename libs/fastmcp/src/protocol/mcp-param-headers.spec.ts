import { describe, expect, it } from 'vitest';
import {
  encodeHeaderValue,
  MAX_SCHEMA_DEPTH,
  paramHeaders,
  scanParamHeaders,
} from './mcp-param-headers.js';

describe('x-mcp-header (2026-07-28 Streamable HTTP, custom headers from tool parameters)', () => {
  it.each([
    ['us-west1', 'us-west1'],
    ['Hello, 世界', '=?base64?SGVsbG8sIOS4lueVjA==?='],
    [' padded ', '=?base64?IHBhZGRlZCA=?='],
    ['line1\nline2', '=?base64?bGluZTEKbGluZTI=?='],
    ['=?base64?literal?=', '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?='],
  ])('encodes %j as the spec table does', (value, encoded) => {
    expect(encodeHeaderValue(value)).toBe(encoded);
  });

  it('mirrors string, integer and boolean arguments at their property paths', () => {
    const scan = scanParamHeaders({
      type: 'object',
      properties: {
        region: { type: 'string', 'x-mcp-header': 'Region' },
        limit: { type: 'integer', 'x-mcp-header': 'Limit' },
        target: {
          type: 'object',
          properties: { dry: { type: 'boolean', 'x-mcp-header': 'Dry-Run' } },
        },
        query: { type: 'string' },
      },
    });
    expect(scan.valid).toBe(true);
    if (!scan.valid) return;
    const args = { region: 'eu', limit: 42, target: { dry: false }, query: 'select' };
    expect(paramHeaders(scan.headers, args)).toEqual({
      'mcp-param-region': 'eu',
      'mcp-param-limit': '42',
      'mcp-param-dry-run': 'false',
    });
    expect(paramHeaders(scan.headers, { region: null, target: {} })).toEqual({});
  });

  it.each([2 ** 53 + 2, 1.5, Number.NaN])(
    'refuses %s for an integer header, before sending',
    (n) => {
      const scan = scanParamHeaders({
        type: 'object',
        properties: { n: { type: 'integer', 'x-mcp-header': 'N' } },
      });
      if (!scan.valid) throw new Error(scan.reason);
      expect(() => paramHeaders(scan.headers, { n })).toThrow(
        expect.objectContaining({ code: -32602, delivery: 'not_delivered' }),
      );
    },
  );

  it.each([
    ['a number', { a: { type: 'number', 'x-mcp-header': 'A' } }],
    ['an object', { a: { type: 'object', 'x-mcp-header': 'A' } }],
    ['a name that is no token', { a: { type: 'string', 'x-mcp-header': 'A B' } }],
    [
      'a name declared twice',
      { a: { type: 'string', 'x-mcp-header': 'A' }, b: { type: 'string', 'x-mcp-header': 'a' } },
    ],
  ])('rejects a schema with %s', (_what, properties) => {
    expect(scanParamHeaders({ type: 'object', properties }).valid).toBe(false);
  });

  it('rejects an annotation under items, anyOf or $defs', () => {
    const under = (keyword: string, sub: unknown) => ({
      type: 'object',
      properties: { list: { type: 'array', [keyword]: sub } },
    });
    const annotated = { type: 'string', 'x-mcp-header': 'X' };
    expect(scanParamHeaders(under('items', annotated)).valid).toBe(false);
    expect(scanParamHeaders(under('anyOf', [annotated])).valid).toBe(false);
    expect(scanParamHeaders({ type: 'object', $defs: { x: annotated } }).valid).toBe(false);
  });

  it.each([
    [
      'dependencies',
      { dependencies: { a: { properties: { b: { type: 'string', 'x-mcp-header': 'B' } } } } },
    ],
    ['additionalItems', { additionalItems: { type: 'string', 'x-mcp-header': 'B' } }],
    ['contentSchema', { contentSchema: { type: 'string', 'x-mcp-header': 'B' } }],
    ['a vendor keyword', { 'x-vendor': { nested: { type: 'string', 'x-mcp-header': 'B' } } }],
  ])(
    'rejects an annotation under %s (any keyword but properties leaves the chain)',
    (_k, extra) => {
      const scan = scanParamHeaders({
        type: 'object',
        properties: { a: { type: 'string' } },
        ...extra,
      });
      expect(!scan.valid && scan.reason).toContain('off a properties chain');
    },
  );

  it('reads enum, const, default and examples as data: an x-mcp-header key there is a value', () => {
    const value = { 'x-mcp-header': 'Not-A-Header' };
    const scan = scanParamHeaders({
      type: 'object',
      properties: { a: { type: 'object', enum: [value], const: value, default: value } },
      examples: [value],
    });
    expect(scan).toEqual({ valid: true, headers: [] });
  });
});

describe('scanParamHeaders depth', () => {
  const nested = (depth: number) => {
    let node: Record<string, unknown> = { type: 'string', 'x-mcp-header': 'Deep' };
    for (let i = 0; i < depth; i++) node = { type: 'object', anyOf: [{}], properties: { n: node } };
    return node;
  };

  it('rejects a schema nested past the cap, without a RangeError', () => {
    const scan = scanParamHeaders(nested(4000));
    expect(!scan.valid && scan.reason).toContain('deeper than');
  });

  it('finds a header at the cap with its full path', () => {
    const scan = scanParamHeaders(nested(MAX_SCHEMA_DEPTH));
    expect(scan.valid && scan.headers[0].path.length).toBe(MAX_SCHEMA_DEPTH);
  });
});

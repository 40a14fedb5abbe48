import { describe, expect, it } from 'vitest';
import { failedInput } from '../../../../../test/support/dlq/dlq-test-context.js';
import { isTruncationMarker } from './dlq-capping.js';
import { DlqEntryBuilder } from './dlq-entry.builder.js';

const MAX = 1024;
const builder = new DlqEntryBuilder({ ttlMs: 60_000, maxArgumentBytes: MAX, secretHeaders: [] });

function build(args: Record<string, unknown> | undefined, params: Record<string, unknown>) {
  const input = failedInput({
    arguments: args,
    request: { method: 'tools/call', params, headers: {} },
  });
  return builder.build(input, Date.now());
}

describe('DlqEntryBuilder: the request params', () => {
  it('keeps the params with the entry capped arguments in them', () => {
    const args = { query: 'q', when: new Date(0) };
    const entry = build(args, { name: 'search', arguments: args, _meta: { progressToken: 7 } });

    expect(entry.request.params).toEqual({
      name: 'search',
      _meta: { progressToken: 7 },
      arguments: { query: 'q', when: '1970-01-01T00:00:00.000Z' },
    });
    expect(entry.request.params?.arguments).toEqual(entry.arguments);
    expect(entry.argumentsTruncated).toBeUndefined();
  });

  it('caps arguments given only in the params on their own, and says so', () => {
    const entry = build(undefined, { name: 'search', arguments: { text: 'x'.repeat(MAX) } });

    expect(isTruncationMarker(entry.request.params?.arguments)).toBe(true);
    expect(entry.request.params?.name).toBe('search');
    expect(entry.argumentsTruncated).toBe(true);
  });

  it('caps the whole params when the rest and the arguments together pass twice the cap', () => {
    const args = { text: 'a'.repeat(MAX - 100) };
    const entry = build(args, { name: 'search', arguments: args, note: 'n'.repeat(MAX + 100) });

    expect(isTruncationMarker(entry.request.params)).toBe(true);
    expect((entry.request.params as { preview: string }).preview).toMatch(/^\{"name"/);
    expect(entry.arguments).toEqual(args);
    expect(entry.argumentsTruncated).toBe(true);
  });

  it('keeps a __proto__ key of parsed params as a key', () => {
    const params = JSON.parse('{"name":"s","__proto__":{"x":1},"arguments":{"a":1}}') as Record<
      string,
      unknown
    >;
    const entry = build({ a: 1 }, params);

    expect(Object.keys(entry.request.params ?? {})).toContain('__proto__');
    expect(JSON.stringify(entry.request.params)).toContain('"__proto__":{"x":1}');
  });
});

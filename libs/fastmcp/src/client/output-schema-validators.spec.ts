import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { MAX_OUTPUT_SCHEMA_BYTES, OutputSchemaValidators } from './output-schema-validators.js';
import { MAX_SCHEMA_PATTERNS } from './schema-pattern-meter.js';

/** Ajv's core class, which the draft-07 and the 2020-12 classes both extend. */
const AjvCore = Object.getPrototypeOf(Ajv) as typeof Ajv;
let compiles: MockInstance;
beforeEach(() => {
  compiles = vi.spyOn(AjvCore.prototype, 'compile');
});
afterEach(() => compiles.mockRestore());

const stringSchema = (extra: Record<string, unknown> = {}) => ({
  type: 'object' as const,
  properties: { s: { type: 'string', ...extra } },
});

describe('OutputSchemaValidators', () => {
  it('reads 2020-12 unless $schema names draft-07', () => {
    const validators = new OutputSchemaValidators();
    const tuple = {
      type: 'object' as const,
      properties: { p: { prefixItems: [{ type: 'string' }] } },
    };
    expect(validators.check(tuple, { p: [1] }).outcome).toBe('invalid');
    const draft07 = { ...tuple, $schema: 'http://json-schema.org/draft-07/schema#' };
    expect(validators.check(draft07, { p: [1] }).outcome).toBe('valid');
  });

  it('compiles a schema once, however many copies of it come', () => {
    const validators = new OutputSchemaValidators();
    for (let i = 0; i < 5; i += 1) validators.check(stringSchema(), { s: 'x' });
    expect(compiles).toHaveBeenCalledTimes(1);
    expect(validators.cached.count).toBe(1);
  });

  it('keeps at most its capacity, least recently used dropped', () => {
    const validators = new OutputSchemaValidators({ capacity: 2 });
    for (const n of [1, 2, 3, 1]) validators.check(stringSchema({ maxLength: n }), { s: 'x' });
    expect(validators.cached.count).toBe(2);
    // 1, 2 and 3 compiled; 1 was dropped for 3 and compiled again.
    expect(compiles).toHaveBeenCalledTimes(4);
  });

  it('keeps their estimated bytes under maxWeight, patterns counted in', () => {
    const withPatterns = (n: number) => ({
      type: 'object' as const,
      title: `v${n}`,
      properties: { a: { pattern: '^a+$' }, b: { pattern: '^b' }, c: { pattern: '^c' } },
    });
    const probe = new OutputSchemaValidators();
    probe.check(withPatterns(0), {});
    const one = probe.cached.weight;
    // Its own Ajv and three RE2 programs at ~32 KiB each, at least.
    expect(one).toBeGreaterThan(40 * 1024 + 3 * 32 * 1024);
    const maxWeight = Math.floor(2.5 * one);
    const validators = new OutputSchemaValidators({ maxWeight });
    for (let n = 1; n <= 9; n += 1) validators.check(withPatterns(n), {});
    expect(validators.cached.count).toBe(2);
    expect(validators.cached.weight).toBeLessThanOrEqual(maxWeight);
  });

  it(`refuses a schema of more than ${MAX_SCHEMA_PATTERNS} patterns`, () => {
    const properties: Record<string, object> = {};
    for (let i = 0; i <= MAX_SCHEMA_PATTERNS; i += 1) properties[`p${i}`] = { pattern: `^${i}` };
    const verdict = new OutputSchemaValidators().check({ type: 'object', properties }, {});
    expect(verdict).toEqual({
      outcome: 'unchecked',
      reason: `it has more than ${MAX_SCHEMA_PATTERNS} patterns`,
    });
    delete properties.p0;
    expect(new OutputSchemaValidators().check({ type: 'object', properties }, {}).outcome).toBe(
      'valid',
    );
  });

  it('gives the first mismatch only, however many there are', () => {
    const validators = new OutputSchemaValidators();
    const schema = {
      type: 'object' as const,
      properties: { a: { type: 'array', items: { type: 'string' } } },
    };
    const verdict = validators.check(schema, { a: new Array(100_000).fill(0) });
    expect(verdict).toEqual({ outcome: 'invalid', errorMessage: 'data/a/0 must be string' });
  });

  it('keeps each $id to its own schema', () => {
    const validators = new OutputSchemaValidators();
    const id = 'https://example.com/s';
    expect(validators.check({ $id: id, type: 'object', not: {} }, {}).outcome).toBe('invalid');
    expect(validators.check({ $id: id, type: 'object' }, {}).outcome).toBe('valid');
  });

  it('runs patterns on RE2: ^(a|a)*$ answers at once, in properties and in keys', () => {
    const validators = new OutputSchemaValidators();
    const evil = 'a'.repeat(5000) + 'b';
    expect(validators.check(stringSchema({ pattern: '^(a|a)*$' }), { s: evil }).outcome).toBe(
      'invalid',
    );
    expect(validators.check(stringSchema({ pattern: '^(a|a)*$' }), { s: 'aaaa' }).outcome).toBe(
      'valid',
    );
    const keyed = {
      type: 'object' as const,
      patternProperties: { '^(a|a)*$': { type: 'number' } },
    };
    expect(validators.check(keyed, { [evil]: 'x', aa: 1 }).outcome).toBe('valid');
    expect(validators.check(keyed, { aa: 'x' }).outcome).toBe('invalid');
  });

  it.each([
    ['a lookahead', '^(?=x)'],
    ['a backreference', '(a)\\1'],
    ['a named backreference', '(?<n>a)\\k<n>'],
  ])('leaves a schema with %s unchecked, uncompiled', (_, pattern) => {
    const verdict = new OutputSchemaValidators().check(stringSchema({ pattern }), { s: 'y' });
    expect(verdict).toEqual({
      outcome: 'unchecked',
      reason: 'a pattern in it is not one RE2 runs (a lookaround or a backreference)',
    });
  });

  it('leaves a result unchecked when its patterns would pass the budget', () => {
    const validators = new OutputSchemaValidators({ patternBudget: 10_000 });
    const schema = stringSchema({ pattern: '^[ab]+$' });
    expect(validators.check(schema, { s: 'ab'.repeat(10) }).outcome).toBe('valid');
    expect(validators.check(schema, { s: 'ab'.repeat(5000) })).toEqual({
      outcome: 'unchecked',
      reason: 'its patterns would take too long on this result',
    });
    // The budget is per check: a small result after is checked again.
    expect(validators.check(schema, { s: 'c' }).outcome).toBe('invalid');
  });

  it('does not compile a schema past MAX_OUTPUT_SCHEMA_BYTES', () => {
    const schema = stringSchema({ description: 'x'.repeat(MAX_OUTPUT_SCHEMA_BYTES) });
    const verdict = new OutputSchemaValidators().check(schema, { s: 1 });
    expect(verdict.outcome).toBe('unchecked');
    expect(compiles).not.toHaveBeenCalled();
  });

  it.each([
    ['an $id Ajv cannot parse', { $id: 'urn:x', type: 'object' as const }],
    ['a $ref to nowhere', { type: 'object' as const, properties: { a: { $ref: 'https://x/y' } } }],
  ])('leaves %s unchecked', (_, schema) => {
    expect(new OutputSchemaValidators().check(schema, {})).toEqual({
      outcome: 'unchecked',
      reason: 'it does not compile (a bad $id or $ref, say)',
    });
  });

  it('leaves a result too deep for a recursive schema unchecked', () => {
    const schema = {
      type: 'object' as const,
      properties: { t: { $ref: '#/$defs/tree' } },
      $defs: { tree: { type: 'array', items: { $ref: '#/$defs/tree' } } },
    };
    const deep = JSON.parse('['.repeat(50_000) + ']'.repeat(50_000)) as unknown;
    expect(new OutputSchemaValidators().check(schema, { t: deep })).toEqual({
      outcome: 'unchecked',
      reason: 'this result nests too deep to check',
    });
  });
});

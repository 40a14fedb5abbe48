import type { Ajv } from 'ajv';
import type { DataValidateFunction } from 'ajv/dist/types/index.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { SchemaRefusal } from './schema-refusal.js';

/** Counts each application of a subschema to a value (see SchemaStepMeter). */
const STEP = 'x-fastmcp-step';
/** `uniqueItems`, checked in linear time: Ajv compares every pair of items. */
const UNIQUE = 'x-fastmcp-unique-items';

const DUPLICATE_ITEMS = {
  keyword: 'uniqueItems',
  message: 'must NOT have duplicate items',
  params: {},
};

/** Steps any check may take, however small its result. */
const BASE_STEPS = 100_000;
/** More steps for each value (object, array, string, number...) the result holds. */
const STEPS_PER_VALUE = 32;

/** Keywords whose value is one subschema, an array of them, or a map of names to them. */
const ONE = [
  'additionalItems',
  'additionalProperties',
  'contains',
  'contentSchema',
  'else',
  'if',
  'items',
  'not',
  'propertyNames',
  'then',
  'unevaluatedItems',
  'unevaluatedProperties',
];
const MANY = ['allOf', 'anyOf', 'items', 'oneOf', 'prefixItems'];
const MAP = [
  '$defs',
  'definitions',
  'dependencies',
  'dependentSchemas',
  'patternProperties',
  'properties',
];

/**
 * The work one result's check may do, in subschema applications. A server's schema can make
 * that grow as 2^n on a small value (a chain of `anyOf: [{$ref: next}, {$ref: next}]`, 1.5 KB,
 * took 4 GB and killed the process); the budget grows with the result, so a large real result is
 * checked, and a check past it stops with SchemaRefusal.
 */
export class SchemaStepMeter {
  private left = Infinity;

  metered<T>(value: unknown, check: () => T): T {
    this.left = BASE_STEPS + STEPS_PER_VALUE * valuesIn(value);
    try {
      return check();
    } finally {
      this.left = Infinity;
    }
  }

  step(): void {
    if (--this.left < 0) throw new SchemaRefusal('its schema would take too long on this result');
  }
}

/** Registers the keywords `meteredSchema` adds, on an Ajv of one schema. */
export function addWorkKeywords(ajv: Ajv | Ajv2020, meter: SchemaStepMeter): void {
  ajv.addKeyword({
    keyword: STEP,
    schemaType: 'boolean',
    errors: false,
    validate: () => {
      meter.step();
      return true;
    },
  });
  const unique = ((_: boolean, data: unknown[]) => {
    const ok = hasUniqueItems(data);
    unique.errors = ok ? undefined : [DUPLICATE_ITEMS];
    return ok;
  }) as unknown as DataValidateFunction;
  ajv.addKeyword({
    keyword: UNIQUE,
    schemaType: 'boolean',
    type: 'array',
    errors: true,
    validate: unique,
  });
}

/**
 * A copy of `schema` whose every subschema counts a step when applied, and whose `uniqueItems`
 * are checked in linear time.
 */
export function meteredSchema<T extends object>(schema: T): T {
  const copy = structuredClone(schema);
  const stack: unknown[] = [copy];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || Array.isArray(node)) continue;
    const subschema = node as Record<string, unknown>;
    subschema[STEP] = true;
    if (subschema.uniqueItems === true) {
      delete subschema.uniqueItems;
      subschema[UNIQUE] = true;
    }
    for (const keyword of ONE) stack.push(subschema[keyword]);
    for (const keyword of MANY) {
      const list = subschema[keyword];
      if (Array.isArray(list)) stack.push(...(list as unknown[]));
    }
    for (const keyword of MAP) {
      const map = subschema[keyword];
      if (typeof map === 'object' && map !== null) stack.push(...(Object.values(map) as unknown[]));
    }
  }
  return copy;
}

/** Whether no two items are equal as JSON values (key order aside), in one pass. */
function hasUniqueItems(items: unknown[]): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    const key = canonicalJson(item);
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${entries.join(',')}}`;
}

/** How many values `value` holds, itself included (walked with a stack of its own). */
function valuesIn(value: unknown): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    count++;
    if (typeof node !== 'object' || node === null) continue;
    for (const child of Object.values(node)) stack.push(child);
  }
  return count;
}

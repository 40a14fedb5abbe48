import { createHash } from 'node:crypto';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { linearPatternEngine } from './schema-pattern-engine.js';
import { DEFAULT_PATTERN_BUDGET, SchemaPatternMeter } from './schema-pattern-meter.js';
import { SchemaRefusal } from './schema-refusal.js';
import { SchemaValidatorCache } from './schema-validator-cache.js';
import { addWorkKeywords, meteredSchema, SchemaStepMeter } from './schema-work.js';

/** `$schema` values of the drafts before 2019-09: checked as draft-07, as the 2025 specs wrote them. */
const OLDER_DRAFT = /json-schema\.org\/draft-0[467]\/schema/;
/** Largest output schema compiled, as JSON bytes: compiling costs some 10-30 µs a byte. */
export const MAX_OUTPUT_SCHEMA_BYTES = 32 * 1024;

/** How much OutputSchemaValidators keeps, and how much pattern work one check may do. */
export interface OutputSchemaLimits {
  /** Compiled schemas kept, across every server of the module. Default 256. */
  capacity: number;
  /** Their estimated bytes together (see `weightOf`). Default 32 MiB. */
  maxWeight: number;
  /** Pattern work one check may do (see SchemaPatternMeter). Default 10,000,000. */
  patternBudget: number;
}

const DEFAULT_LIMITS: OutputSchemaLimits = {
  capacity: 256,
  maxWeight: 32 * 1024 * 1024,
  patternBudget: DEFAULT_PATTERN_BUDGET,
};

/** What checking a value against a server's output schema found. */
export type SchemaVerdict =
  | { outcome: 'valid' }
  | { outcome: 'invalid'; errorMessage: string }
  /** Not checked: the schema cannot be compiled, or checking this value would cost too much. */
  | { outcome: 'unchecked'; reason: string };

type OutputSchemaCheck = (value: unknown) => SchemaVerdict;
type OutputSchema = NonNullable<Tool['outputSchema']>;

const VALID: SchemaVerdict = { outcome: 'valid' };

/**
 * Checks values against tools' output schemas, each compiled with the dialect it declares: JSON
 * Schema 2020-12 unless its `$schema` names an older draft (2020-12 is MCP's default dialect
 * since 2025-11-25; a draft-07 validator would ignore `prefixItems`, `$defs`/`$dynamicRef` and let
 * results that break them through).
 *
 * The schemas are the servers' words, so: each is compiled by an Ajv of its own (no `$id` one
 * server declares can stand for another's schema, and nothing a compile registers outlives its
 * cache entry); compiled once per distinct schema (see SchemaValidatorCache); its patterns run on
 * RE2 with a budget, and each check has a budget of subschema steps (see SchemaStepMeter); past MAX_OUTPUT_SCHEMA_BYTES, or when Ajv or RE2 refuses it, a schema is
 * not compiled and the check is `unchecked`, with the reason.
 */
export class OutputSchemaValidators {
  private readonly meter = new SchemaPatternMeter();
  private readonly steps = new SchemaStepMeter();
  private readonly ajvOptions: Options = {
    strict: false,
    validateFormats: true,
    validateSchema: false,
    // The first error only: every error of a large result would be an object each.
    allErrors: false,
    // Its warnings quote the schema (an unknown format's name): server text, not for stderr.
    logger: false,
    code: { regExp: linearPatternEngine(this.meter) },
  };
  private readonly limits: OutputSchemaLimits;
  private readonly cache: SchemaValidatorCache<OutputSchemaCheck>;
  /** The cache key of each schema object seen (listed tools keep theirs until the next listing). */
  private readonly digests = new WeakMap<OutputSchema, string>();

  constructor(limits: Partial<OutputSchemaLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.cache = new SchemaValidatorCache(this.limits.capacity, this.limits.maxWeight);
  }

  /** The compiled schemas (and refusals) kept: how many, and their estimated bytes. */
  get cached(): { count: number; weight: number } {
    return { count: this.cache.size, weight: this.cache.weight };
  }

  /** Checks `value` against `schema`, compiled unless the same schema is cached. */
  check(schema: OutputSchema, value: unknown): SchemaVerdict {
    return this.checkOf(schema)(value);
  }

  private checkOf(schema: OutputSchema): OutputSchemaCheck {
    let text: string | undefined;
    let key = this.digests.get(schema);
    if (key === undefined) {
      text = JSON.stringify(schema);
      key = createHash('sha256').update(text).digest('base64');
      this.digests.set(schema, key);
    }
    let check = this.cache.get(key);
    if (!check) {
      text ??= JSON.stringify(schema);
      const compiled = this.compile(schema, Buffer.byteLength(text));
      check = compiled.check;
      this.cache.set(key, check, compiled.weight);
    }
    return check;
  }

  private compile(
    schema: OutputSchema,
    bytes: number,
  ): { check: OutputSchemaCheck; weight: number } {
    if (bytes > MAX_OUTPUT_SCHEMA_BYTES) {
      return refused(`it is ${bytes} bytes, more than the ${MAX_OUTPUT_SCHEMA_BYTES} compiled`);
    }
    let ajv: Ajv | Ajv2020;
    let validate: ValidateFunction;
    this.meter.startCompile();
    try {
      ajv = this.newAjv(schema);
      validate = ajv.compile(meteredSchema(schema));
    } catch (error) {
      return refused(whyNotCompiled(error));
    }
    return { check: (value) => this.run(ajv, validate, value), weight: this.weightOf(bytes) };
  }

  /**
   * A compiled schema's bytes, estimated from heap measured on Node 20 (on the high side): its own
   * Ajv ~40 KiB, the code ~8 bytes a schema byte, each RE2 program ~32 KiB and ~0.5 KiB a unit
   * of its size once run.
   */
  private weightOf(schemaBytes: number): number {
    const { patterns, programSize } = this.meter;
    return 40 * 1024 + 8 * schemaBytes + patterns * 32 * 1024 + programSize * 512;
  }

  private run(ajv: Ajv | Ajv2020, validate: ValidateFunction, value: unknown): SchemaVerdict {
    try {
      const valid = this.steps.metered(value, () =>
        this.meter.metered(this.limits.patternBudget, () => validate(value)),
      );
      if (valid) return VALID;
      const errorMessage = ajv.errorsText(validate.errors);
      return { outcome: 'invalid', errorMessage };
    } catch (error) {
      const reason =
        error instanceof SchemaRefusal
          ? error.reason
          : error instanceof RangeError
            ? 'this result nests too deep to check'
            : 'checking this result failed';
      return { outcome: 'unchecked', reason };
    }
  }

  private newAjv(schema: OutputSchema): Ajv | Ajv2020 {
    const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
    const ajv = OLDER_DRAFT.test(declared)
      ? new Ajv(this.ajvOptions)
      : new Ajv2020(this.ajvOptions);
    addFormats.default(ajv);
    addWorkKeywords(ajv, this.steps);
    return ajv;
  }
}

/** A schema that was not compiled: every value is `unchecked`, for `reason`. */
function refused(reason: string): { check: OutputSchemaCheck; weight: number } {
  const verdict: SchemaVerdict = { outcome: 'unchecked', reason };
  return { check: () => verdict, weight: 1024 };
}

/** Why Ajv or RE2 refused a schema, in words of this client's (never the schema's own text). */
function whyNotCompiled(error: unknown): string {
  if (error instanceof SchemaRefusal) return error.reason;
  if (error instanceof RangeError) return 'it nests too deep to compile';
  return 'it does not compile (a bad $id or $ref, say)';
}

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import type { JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

/** `$schema` values of the drafts before 2019-09: checked as draft-07, as the 2025 specs wrote them. */
const OLDER_DRAFT = /json-schema\.org\/draft-0[467]\/schema/;

/**
 * Compiles a tool's output schema with the dialect it declares: JSON Schema 2020-12 unless its
 * `$schema` names an older draft (2020-12 is MCP's default dialect since 2025-11-25; a draft-07
 * validator would ignore `prefixItems`, `$defs`/`$dynamicRef` and let results that break them
 * through).
 */
export class OutputSchemaValidators {
  private readonly draft07 = new AjvJsonSchemaValidator();
  private readonly draft2020 = new AjvJsonSchemaValidator(createAjv2020());

  compile(schema: NonNullable<Tool['outputSchema']>): JsonSchemaValidator<unknown> {
    const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
    const validator = OLDER_DRAFT.test(declared) ? this.draft07 : this.draft2020;
    return validator.getValidator(schema);
  }
}

/** The SDK's own Ajv settings, on the 2020-12 dialect. */
function createAjv2020(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    validateFormats: true,
    validateSchema: false,
    allErrors: true,
  });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Why a server's output schema is not compiled, or a result not checked against it, in this
 * client's words (never the schema's own text, which may carry anything): thrown from inside
 * Ajv's compile or validate by the pattern engine and its meter, caught by OutputSchemaValidators.
 */
export class SchemaRefusal extends Error {
  override readonly name = 'SchemaRefusal';

  constructor(readonly reason: string) {
    super(reason);
  }
}

import {
  CreateMessageResultSchema,
  CreateMessageResultWithToolsSchema,
  type ElicitRequest,
  type ElicitResult,
  ElicitResultSchema,
  ListRootsResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { OutputSchemaValidators } from '../client/output-schema-validators.js';
import { applyElicitationDefaults } from './elicitation-defaults.js';

/** What a handler returned is not what its method answers: the app's bug, never sent. */
export class InvalidHandlerResult extends Error {}

/** Requested schemas of elicitations kept compiled: a server asks for a few forms, again and again. */
const REQUESTED_SCHEMAS_KEPT = 32;

/**
 * Checks what the app's handlers return before it goes to the server, as the official SDK
 * client does: each result against its method's result schema, and the content of an accepted
 * form elicitation against the schema the server requested (its defaults filled in first); a
 * url-mode elicitation's answer carries no content.
 */
export class HandlerResults {
  private readonly requestedSchemas = new OutputSchemaValidators({
    capacity: REQUESTED_SCHEMAS_KEPT,
  });

  elicitation(params: ElicitRequest['params'], result: unknown): ElicitResult {
    const answer = applyElicitationDefaults(params, parsed(ElicitResultSchema, result));
    // The interaction happens at the URL, out of the client's sight: the answer is only an action.
    if (params.mode === 'url' && answer.content !== undefined) {
      throw new InvalidHandlerResult('a url-mode answer has no content, only its action');
    }
    if (answer.action !== 'accept' || !('requestedSchema' in params)) return answer;
    const schema = params.requestedSchema as Parameters<OutputSchemaValidators['check']>[0];
    const verdict = this.requestedSchemas.check(schema, answer.content ?? {});
    if (verdict.outcome === 'invalid') {
      throw new InvalidHandlerResult(
        `its content does not match the requested schema (${verdict.errorMessage})`,
      );
    }
    return answer;
  }

  /** A sampling result; with `tools` in the request, one that may hold tool calls. */
  sampling(withTools: boolean, result: unknown): unknown {
    return parsed(
      withTools ? CreateMessageResultWithToolsSchema : CreateMessageResultSchema,
      result,
    );
  }

  roots(result: unknown): unknown {
    return parsed(ListRootsResultSchema, result);
  }
}

function parsed<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
  },
  result: unknown,
): T {
  const outcome = schema.safeParse(result);
  if (outcome.success) return outcome.data;
  const [issue] = outcome.error.issues;
  const at = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  throw new InvalidHandlerResult(`it is not a valid result${at}: ${issue?.message ?? 'invalid'}`);
}

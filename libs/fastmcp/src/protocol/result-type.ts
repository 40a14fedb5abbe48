import type { FastMcpErrorFields } from '../errors/fastmcp.error.js';
import { McpInputRequiredError } from '../errors/mcp-input-required.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { UpstreamText } from '../transport/upstream-text.js';

/**
 * What a 2026-07-28 result is: a complete answer, a request for input (mrtr), or a task to poll
 * (the tasks extension).
 */
export type ResultType = 'complete' | 'input_required' | 'task';

/** The only requests a 2026-07-28 server may answer with `input_required` (mrtr). */
const ASKS_FOR_INPUT = new Set(['tools/call', 'prompts/get', 'resources/read']);
/**
 * The requests whose result may say `task` (the tasks extension): `tools/call`, and `tasks/get`,
 * which should say `complete` but says `task` in the extension's own examples of a failed task.
 */
const MAY_BE_TASK = new Set(['tools/call', 'tasks/get']);

/**
 * The `resultType` of a 2026-07-28 result to `method`: absent means `complete`. Any other value
 * is invalid (the client MUST NOT read it as complete): it throws McpProtocolError. So is
 * `input_required` to a request other than `tools/call`, `prompts/get` and `resources/read`: it
 * throws McpInputRequiredError (`invalid`). Either way nothing of the result is used and no
 * handler runs. `task` is valid only for `tools/call` and `tasks/get` (elsewhere it is an unknown resultType).
 */
export function resultTypeOf(
  result: Record<string, unknown>,
  method: string,
  target: HttpTarget,
  fields: FastMcpErrorFields,
): ResultType {
  const { resultType } = result;
  if (resultType === undefined || resultType === 'complete') return 'complete';
  if (resultType === 'task' && MAY_BE_TASK.has(method)) return 'task';
  if (resultType === 'input_required') {
    if (ASKS_FOR_INPUT.has(method)) return 'input_required';
    throw new McpInputRequiredError(
      'invalid',
      `${method} may not ask for input (only tools/call, prompts/get and resources/read may)`,
      fields,
    );
  }
  // The value is the server's words: scrubbed and capped.
  const named =
    typeof resultType === 'string'
      ? JSON.stringify(new UpstreamText(target).excerpt(resultType, 100))
      : `of type ${resultType === null ? 'null' : typeof resultType}`;
  throw new McpProtocolError(-32603, `the ${method} result has an unknown resultType ${named}`, {
    ...fields,
  });
}

import { hasErrorName } from './fastmcp.error.js';
import type { FastMcpErrorFields } from './fastmcp.error.js';
import { McpProtocolError } from './mcp-protocol.error.js';

/** Why an `input_required` request could not be completed. */
export type InputRequiredFailure = 'no_handler' | 'handler_failed' | 'too_many_rounds' | 'invalid';

/**
 * A modern server answered `input_required` and the client could not complete the request: no
 * handler for one of its input requests, a handler that failed, or more rounds than allowed.
 * Not retried.
 */
export class McpInputRequiredError extends McpProtocolError {
  override readonly name = 'McpInputRequiredError';
  readonly failure: InputRequiredFailure;
  /** The input request's method (e.g. `elicitation/create`), when one is at fault. */
  readonly method?: string;

  constructor(
    failure: InputRequiredFailure,
    message: string,
    fields: FastMcpErrorFields & { method?: string } = {},
  ) {
    super(-32603, `input_required: ${message}`, fields);
    this.failure = failure;
    this.method = fields.method;
  }
}

export const isMcpInputRequiredError = (value: unknown): value is McpInputRequiredError =>
  hasErrorName(value, 'McpInputRequiredError');

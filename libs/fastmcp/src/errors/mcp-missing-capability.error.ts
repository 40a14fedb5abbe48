import { hasErrorName } from './fastmcp.error.js';
import type { FastMcpErrorFields } from './fastmcp.error.js';
import { McpProtocolError } from './mcp-protocol.error.js';

/**
 * The server needs a client capability this client did not declare (-32021): set the matching
 * handler (elicitation, sampling, roots) to declare it. Not retried.
 */
export class McpMissingCapabilityError extends McpProtocolError {
  override readonly name = 'McpMissingCapabilityError';
  /** The capabilities the server asked for, e.g. `['elicitation']`. */
  readonly capabilities: readonly string[];

  constructor(
    capabilities: readonly string[],
    fields: FastMcpErrorFields & { data?: unknown } = {},
  ) {
    super(
      -32021,
      `the server requires client capabilities this client did not declare: ${capabilities.join(', ') || '(unnamed)'}`,
      fields,
    );
    this.capabilities = capabilities;
  }
}

export const isMcpMissingCapabilityError = (value: unknown): value is McpMissingCapabilityError =>
  hasErrorName(value, 'McpMissingCapabilityError');

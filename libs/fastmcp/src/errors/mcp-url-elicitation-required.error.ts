import { hasErrorName } from './fastmcp.error.js';
import type { FastMcpErrorFields } from './fastmcp.error.js';
import { McpProtocolError } from './mcp-protocol.error.js';

/** The JSON-RPC code of a URL elicitation the server requires first (2025-11-25). */
export const URL_ELICITATION_REQUIRED = -32042;

/** One interaction a person must complete at a URL before the request can be sent again. */
export interface UrlElicitation {
  /** The server's id for it: `notifications/elicitation/complete` names it when it is done. */
  elicitationId: string;
  /** An absolute `https:` URL (or `http:` on a loopback host), as parsed. */
  url: string;
  /** Why the server needs it, scrubbed of the request's secrets. */
  message: string;
}

/**
 * The server cannot process the request until a person completes the listed URL elicitations
 * (-32042, 2025-11-25): show each URL (with consent, never opened unasked), then send the request
 * again. It did not run, so it is not retried and its delivery is `not_delivered`. Entries the
 * server listed that are not valid url-mode elicitations, or carry a configured secret, are left
 * out of `elicitations`.
 */
export class McpUrlElicitationRequiredError extends McpProtocolError {
  override readonly name = 'McpUrlElicitationRequiredError';
  readonly elicitations: readonly UrlElicitation[];

  constructor(
    elicitations: readonly UrlElicitation[],
    message: string,
    fields: FastMcpErrorFields & { data?: unknown } = {},
  ) {
    super(URL_ELICITATION_REQUIRED, message, fields);
    this.elicitations = Object.freeze(elicitations.map((entry) => Object.freeze({ ...entry })));
  }
}

export const isMcpUrlElicitationRequiredError = (
  value: unknown,
): value is McpUrlElicitationRequiredError => hasErrorName(value, 'McpUrlElicitationRequiredError');

import { hasErrorName } from './fastmcp.error.js';
import type { FastMcpErrorFields } from './fastmcp.error.js';
import { McpProtocolError } from './mcp-protocol.error.js';

/**
 * The server and this client share no protocol revision (-32022, or a discover result or
 * `initialize` answer naming none of ours). Not retried.
 */
export class McpUnsupportedVersionError extends McpProtocolError {
  override readonly name = 'McpUnsupportedVersionError';
  /** What the server said it supports (empty when it did not say). */
  readonly serverVersions: readonly string[];
  /** What this client offered. */
  readonly clientVersions: readonly string[];

  constructor(
    serverVersions: readonly string[],
    clientVersions: readonly string[],
    fields: FastMcpErrorFields & { data?: unknown } = {},
  ) {
    super(
      -32022,
      `no common protocol version: the server supports [${listed(serverVersions)}], this client [${listed(clientVersions)}]`,
      fields,
    );
    this.serverVersions = serverVersions;
    this.clientVersions = clientVersions;
  }
}

/** A version list for the message: at most 20 entries of 100 characters, then how many more. */
function listed(versions: readonly string[]): string {
  const shown = versions.slice(0, 20).map((v) => v.slice(0, 100));
  const more = versions.length - shown.length;
  return more > 0 ? `${shown.join(', ')}, … ${more} more` : shown.join(', ');
}

export const isMcpUnsupportedVersionError = (value: unknown): value is McpUnsupportedVersionError =>
  hasErrorName(value, 'McpUnsupportedVersionError');

import { FastMcpError, type FastMcpErrorFields, hasErrorName } from './fastmcp.error.js';

/**
 * The app disconnected the client id (`disconnected`), or connected it to a server anew
 * (`reconnected`), while this operation was setting up its session: the session that then came
 * up was ended, and the request was not sent. Never retried, never dead-lettered.
 */
export class McpDisconnectedError extends FastMcpError {
  override readonly name = 'McpDisconnectedError';
  readonly reason: 'disconnected' | 'reconnected';

  constructor(
    clientId: string,
    reason: 'disconnected' | 'reconnected',
    fields: FastMcpErrorFields = {},
  ) {
    super(
      reason === 'disconnected'
        ? `client "${clientId}" was disconnected while its session was being set up`
        : `client "${clientId}" was connected anew while this session was being set up`,
      { ...fields, clientId, delivery: 'not_delivered' },
    );
    this.reason = reason;
  }
}

export const isMcpDisconnectedError = (value: unknown): value is McpDisconnectedError =>
  hasErrorName(value, 'McpDisconnectedError');

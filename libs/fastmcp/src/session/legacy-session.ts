import { McpTransportError } from '../errors/mcp-transport.error.js';
import { isModernError } from '../protocol/modern-errors.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { ExchangeOptions } from '../transport/exchange-options.interface.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import type { McpHttpTransport } from '../transport/mcp-http.transport.js';
import type { McpConnection } from './mcp-connection.interface.js';
import type { McpSession } from './mcp-session.interface.js';

/** A 2025-era connection: the session `initialize` opened, ended with DELETE. */
export class LegacySession implements McpConnection {
  stopListening?: () => void;

  constructor(
    private readonly transport: McpHttpTransport,
    readonly session: McpSession,
    readonly target: HttpTarget,
  ) {}

  async request(
    method: string,
    params: Record<string, unknown> | undefined,
    run: RetryRun,
    exchange?: ExchangeOptions,
  ): Promise<Record<string, unknown>> {
    try {
      const { result } = await this.transport.request(this.target, method, params, run, exchange);
      return result;
    } catch (error) {
      throw isModernError(error) ? this.eraChanged(error, run) : error;
    }
  }

  /**
   * The server refused the request with an error of the 2026-07-28 revision: it was upgraded
   * behind the URL. As with a lost session, nothing ran and the connection is negotiated again.
   */
  private eraChanged(error: unknown, run: RetryRun): McpTransportError {
    const status = (error as { status?: number }).status;
    return new McpTransportError(
      'session_lost',
      `the server no longer speaks ${this.session.protocolVersion}: it answered with a 2026-07-28 error${status ? ` (HTTP ${status})` : ''}`,
      { clientId: run.clientId, operation: run.operation, delivery: 'not_delivered', cause: error },
    );
  }

  async end(): Promise<void> {
    if (this.target.sessionId) await this.transport.terminate(this.target);
  }
}

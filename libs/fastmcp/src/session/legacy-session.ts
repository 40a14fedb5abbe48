import { isModernError } from '../protocol/modern-errors.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { ExchangeOptions } from '../transport/exchange-options.interface.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import type { McpHttpTransport } from '../transport/mcp-http.transport.js';
import { eraChanged } from './era-changed.js';
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
      // A 2026-07-28 error: the server was upgraded behind its URL.
      const said = `${this.session.protocolVersion}: it answered with a 2026-07-28 error`;
      throw isModernError(error) ? eraChanged(error, run, said) : error;
    }
  }

  async end(): Promise<void> {
    if (this.target.sessionId) await this.transport.terminate(this.target);
  }
}

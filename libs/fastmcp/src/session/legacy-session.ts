import { isModernError } from '../protocol/modern-errors.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { ExchangeOptions } from '../transport/exchange-options.interface.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import type { McpHttpTransport } from '../transport/mcp-http.transport.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { eraChanged } from './era-changed.js';
import type { McpConnection } from './mcp-connection.interface.js';
import type { McpSession } from './mcp-session.interface.js';

/** A 2025-era connection: the session `initialize` opened, ended with DELETE. */
export class LegacySession implements McpConnection {
  stopListening?: () => void;
  lost = false;

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
      // A 2026-07-28 error as the HTTP answer: the server was upgraded behind its URL. The same
      // code inside a 200 is the server's own (-32000..-32099 are theirs in 2025), perhaps from a
      // tool that ran: it stays a protocol error and is never sent again.
      const said = `${this.session.protocolVersion}: it answered with a 2026-07-28 error`;
      throw isMcpHttpError(error) && isModernError(error) ? eraChanged(error, run, said) : error;
    }
  }

  async end(): Promise<void> {
    if (this.target.sessionId) await this.transport.terminate(this.target);
  }
}

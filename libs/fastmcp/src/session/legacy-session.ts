import { isModernError, isModernRefusal } from '../protocol/modern-errors.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { ExchangeOptions } from '../transport/exchange-options.interface.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import type { McpHttpTransport } from '../transport/mcp-http.transport.js';
import type { StreamOpening } from '../transport/server-stream.listener.js';
import { isFastMcpError } from '../errors/fastmcp.error.js';
import { withDelivery } from '../retry/with-delivery.js';
import { eraChanged } from './era-changed.js';
import type { McpConnection } from './mcp-connection.interface.js';
import type { McpSession } from './mcp-session.interface.js';

/** A 2025-era connection: the session `initialize` opened, ended with DELETE. */
export class LegacySession implements McpConnection {
  stopListening?: () => void;
  /** How the session's GET stream first opened, once it was asked for. */
  listening?: Promise<StreamOpening>;
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
      // A 2026-07-28 refusal as the HTTP answer (400 or 404): the server was upgraded behind its
      // URL. The same code with another status, or inside a 200, is the server's own
      // (-32000..-32099 are theirs in 2025), perhaps from a tool that ran: never sent again, and
      // not a refusal (a dead letter of it is replayed only with force).
      const said = `${this.session.protocolVersion}: it answered with a 2026-07-28 error`;
      if (isModernRefusal(error)) throw eraChanged(error, run, said);
      if (isFastMcpError(error) && isModernError(error) && error.delivery === 'not_delivered') {
        throw withDelivery(error, 'unknown', run.operation);
      }
      throw error;
    }
  }

  async end(): Promise<void> {
    if (this.target.sessionId) await this.transport.terminate(this.target);
  }
}

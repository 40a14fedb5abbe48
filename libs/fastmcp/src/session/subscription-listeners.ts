import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { InertLogger } from '../logging/inert-logger.js';
import type { ClientEnvelope } from '../protocol/modern-envelope.js';
import { ServerMessageDispatcher } from '../protocol/server-message.dispatcher.js';
import { type Clock, FASTMCP_CLOCK } from '../retry/clock.js';
import { ResponseBudget } from '../transport/response-budget.js';
import type { ListenFilter } from './listen-filter.js';
import type { McpConnection } from './mcp-connection.interface.js';
import { ModernListen } from './modern-listen.js';
import { SubscriptionStream } from './subscription-stream.js';

/**
 * The `subscriptions/listen` streams of 2026-07-28 connections: one keeper per connection, made
 * with it and stopped with it (its `stopListening`).
 */
@Injectable()
export class SubscriptionListeners {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private readonly listens = new WeakMap<McpConnection, ModernListen>();

  constructor(
    @Inject(HttpService) private readonly http: HttpService,
    @Inject(ServerMessageDispatcher) private readonly dispatcher: ServerMessageDispatcher,
    @Inject(ResponseBudget) private readonly budget: ResponseBudget,
    @Inject(FASTMCP_CLOCK) private readonly clock: Clock,
  ) {}

  /** Gives a new connection its keeper; `wanted` says what its client id wants to hear about now. */
  attach(
    connection: McpConnection,
    client: ClientEnvelope,
    wanted: () => ListenFilter,
  ): ModernListen {
    const { clientId } = connection.session;
    const deps = { http: this.http, dispatcher: this.dispatcher, budget: this.budget, client };
    const listen = new ModernListen({
      clientId,
      wanted,
      open: (filter) => new SubscriptionStream(deps, connection.target, clientId, filter),
      clock: this.clock,
      logger: this.logger,
    });
    this.listens.set(connection, listen);
    connection.stopListening = () => listen.stop();
    return listen;
  }

  /** The keeper `attach` gave a modern connection. */
  of(connection: McpConnection): ModernListen {
    const listen = this.listens.get(connection);
    if (!listen) throw new Error(`${connection.session.clientId}: not a 2026-07-28 connection`);
    return listen;
  }
}

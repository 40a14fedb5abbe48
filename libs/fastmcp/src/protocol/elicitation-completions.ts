import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  ElicitationCompleteNotificationSchema,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpUrlElicitationRequiredError } from '../errors/mcp-url-elicitation-required.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import { type Clock, FASTMCP_CLOCK, systemClock } from '../retry/clock.js';

export const ELICITATION_COMPLETE = 'notifications/elicitation/complete';
/** Url elicitations remembered per client id; past this, the oldest is forgotten. */
export const MAX_PENDING_ELICITATIONS = 1000;
/** How long a url elicitation is remembered while its completion has not come. */
export const PENDING_ELICITATION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The url elicitations (2025-11-25) the client id is waiting on, until the server's
 * `notifications/elicitation/complete` names them: those whose `accept` its handler sent, and
 * those a -32042 error (McpUrlElicitationRequiredError) listed, so the refused request can be sent
 * again. That notification is raised as a `server.elicitation_complete` event once per such id;
 * any other id, or one already completed or forgotten, is ignored, as the spec says. Memory is
 * bounded: at most MAX_PENDING_ELICITATIONS ids per client id, each for
 * PENDING_ELICITATION_TTL_MS. One per module: the dispatcher and the transport share it.
 */
@Injectable()
export class ElicitationCompletions {
  /** Per client id: elicitation id to when it was accepted or required, oldest first. */
  private readonly pending = new Map<string, Map<string, number>>();

  constructor(
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
    @Optional() @Inject(FASTMCP_CLOCK) private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {}

  /** Notes the answer about to go to `request`: an accepted url elicitation is remembered. */
  answered(clientId: string, request: JSONRPCRequest, reply: JSONRPCMessage): void {
    if (request.method !== 'elicitation/create' || !('result' in reply)) return;
    const { mode, elicitationId } = request.params ?? {};
    // The id was checked before the handler ran: a url elicitation without one got no result.
    if (mode !== 'url' || typeof elicitationId !== 'string') return;
    if (reply.result.action !== 'accept') return;
    this.remember(clientId, elicitationId);
  }

  /**
   * Notes a -32042 error of the client id it names: the elicitations it lists (checked, and
   * without the client's secrets) are remembered, so their completion says when to send again.
   */
  required(error: McpUrlElicitationRequiredError): void {
    const { clientId } = error;
    if (clientId === undefined) return;
    for (const { elicitationId } of error.elicitations) this.remember(clientId, elicitationId);
  }

  /**
   * True when `message` is `notifications/elicitation/complete` (then handled here, whatever it
   * names): raised as an event when it names an id still waiting for the client id.
   */
  completed(message: JSONRPCNotification, clientId: string): boolean {
    if (message.method !== ELICITATION_COMPLETE) return false;
    const parsed = ElicitationCompleteNotificationSchema.safeParse(message);
    if (!parsed.success) return true;
    const { elicitationId } = parsed.data.params;
    const ids = this.live(clientId);
    if (!ids?.delete(elicitationId)) return true;
    if (ids.size === 0) this.pending.delete(clientId);
    this.events.emit('server.elicitation_complete', { clientId, elicitationId });
    return true;
  }

  private remember(clientId: string, elicitationId: string): void {
    const ids = this.live(clientId) ?? new Map<string, number>();
    this.pending.set(clientId, ids);
    ids.delete(elicitationId);
    ids.set(elicitationId, this.clock.now());
    if (ids.size > MAX_PENDING_ELICITATIONS) ids.delete(ids.keys().next().value as string);
  }

  /** The client id's ids still waiting, those past PENDING_ELICITATION_TTL_MS forgotten. */
  private live(clientId: string): Map<string, number> | undefined {
    const ids = this.pending.get(clientId);
    if (!ids) return undefined;
    const expired = this.clock.now() - PENDING_ELICITATION_TTL_MS;
    for (const [id, since] of ids) {
      if (since > expired) break;
      ids.delete(id);
    }
    if (ids.size > 0) return ids;
    this.pending.delete(clientId);
    return undefined;
  }
}

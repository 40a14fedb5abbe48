import { Inject, Injectable } from '@nestjs/common';
import {
  CancelledNotificationSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  LoggingMessageNotificationSchema,
  type Progress,
  ProgressNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { McpInputRequiredError } from '../errors/mcp-input-required.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ServerRequestEvent } from '../events/fastmcp-events.interface.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import type { ServerRequestContext } from '../options/client-handlers.interface.js';
import type { UpstreamText } from '../transport/upstream-text.js';
import { applyElicitationDefaults } from './elicitation-defaults.js';
import { ServerRequestLimit } from './server-request-limit.js';

/** The request that a stream belongs to, and how to answer the server on it. */
export interface ExchangeContext {
  clientId: string;
  /** Aborts when the exchange ends, however it ends. */
  signal: AbortSignal;
  /** The server's requests being handled now, by id, so `notifications/cancelled` reaches them. */
  handling: Map<string | number, AbortController>;
  /** The progress token sent with the request, if any. */
  progressToken?: string | number;
  /** Posts a JSON-RPC response back to the server. */
  reply(message: JSONRPCMessage): Promise<void>;
  onProgress?(progress: Progress): void;
}

class MethodNotFound extends Error {}
class InvalidParams extends Error {}

/**
 * Handles what a server sends on a stream besides the awaited response: its requests (ping,
 * elicitation, sampling, roots) are answered by the handlers in the options, its progress and
 * log notifications are raised as events, its cancellations abort the handler concerned. A
 * stream has at most MAX_ANSWERING_PER_STREAM requests being answered at once; the rest are
 * dropped, so a flood of requests costs no memory.
 */
@Injectable()
export class ServerMessageDispatcher {
  private readonly limit = new ServerRequestLimit();

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
  ) {}

  /**
   * Answers the input requests of a modern `input_required` result with the same handlers, by
   * key: the `inputResponses` of the retried request. Throws McpInputRequiredError when a
   * request has no handler or its handler fails.
   */
  async answerInputRequests(
    requests: Record<string, unknown>,
    context: ServerRequestContext,
    upstream: UpstreamText,
  ): Promise<Record<string, unknown>> {
    const entries = Object.entries(requests);
    const answers = await Promise.all(
      entries.map(async ([key, value]) => [
        key,
        await this.answerInput(key, value, context, upstream),
      ]),
    );
    return Object.fromEntries(answers) as Record<string, unknown>;
  }

  dispatch(message: JSONRPCMessage, context: ExchangeContext): void {
    if (!('method' in message)) return;
    if ('id' in message) {
      if (!this.limit.admit(context, context.clientId)) {
        const method = message.method.slice(0, 100);
        this.events.emit('server.request', {
          clientId: context.clientId,
          method,
          outcome: 'dropped',
        });
        return;
      }
      void this.answer(message, context).finally(() => this.limit.release(context));
      return;
    }
    this.notify(message, context);
  }

  private notify(message: JSONRPCMessage, context: ExchangeContext): void {
    const cancelled = CancelledNotificationSchema.safeParse(message);
    if (cancelled.success) {
      const { requestId } = cancelled.data.params;
      if (requestId !== undefined) context.handling.get(requestId)?.abort();
      return;
    }
    const progress = ProgressNotificationSchema.safeParse(message);
    if (progress.success) {
      const { progressToken, ...rest } = progress.data.params;
      this.events.emit('server.progress', { clientId: context.clientId, progressToken, ...rest });
      if (progressToken === context.progressToken) context.onProgress?.(rest);
      return;
    }
    const log = LoggingMessageNotificationSchema.safeParse(message);
    if (log.success) {
      const { level, logger, data } = log.data.params;
      this.events.emit('server.message', { clientId: context.clientId, level, logger, data });
    }
  }

  private async answer(request: JSONRPCRequest, context: ExchangeContext): Promise<void> {
    const controller = new AbortController();
    const signal = AbortSignal.any([context.signal, controller.signal]);
    context.handling.set(request.id, controller);
    let outcome: ServerRequestEvent['outcome'] = 'handled';
    let reply: JSONRPCMessage;
    try {
      const result = await this.handle(request, { clientId: context.clientId, signal });
      reply = { jsonrpc: '2.0', id: request.id, result: result as Record<string, unknown> };
    } catch (error) {
      outcome = error instanceof MethodNotFound ? 'unsupported' : 'failed';
      reply = { jsonrpc: '2.0', id: request.id, error: errorFor(error, request.method) };
    } finally {
      context.handling.delete(request.id);
    }
    this.events.emit('server.request', {
      clientId: context.clientId,
      method: request.method,
      outcome,
    });
    // A request the server cancelled, or whose exchange is over, is not answered.
    if (signal.aborted) return;
    await context.reply(reply).catch(() => undefined);
  }

  private async answerInput(
    key: string,
    value: unknown,
    context: ServerRequestContext,
    upstream: UpstreamText,
  ): Promise<unknown> {
    const { method, params } = (value ?? {}) as { method?: unknown; params?: unknown };
    // The key and method are the server's words: they go into errors scrubbed and capped.
    const named = (text: string): string => upstream.scrub(text.slice(0, 100));
    const fields = { clientId: context.clientId, method: named(String(method)) };
    if (typeof method !== 'string') {
      throw new McpInputRequiredError(
        'invalid',
        `input request ${named(key)} has no method`,
        fields,
      );
    }
    const request = { jsonrpc: '2.0' as const, id: key, method, params } as JSONRPCRequest;
    let outcome: ServerRequestEvent['outcome'] = 'handled';
    try {
      return await this.handle(request, context);
    } catch (error) {
      outcome = error instanceof MethodNotFound ? 'unsupported' : 'failed';
      if (error instanceof MethodNotFound) {
        throw new McpInputRequiredError('no_handler', `no handler for ${fields.method}`, fields);
      }
      throw new McpInputRequiredError('handler_failed', `the ${fields.method} handler failed`, {
        ...fields,
        cause: error,
      });
    } finally {
      this.events.emit('server.request', { clientId: context.clientId, method, outcome });
    }
  }

  private async handle(request: JSONRPCRequest, context: ServerRequestContext): Promise<unknown> {
    const { handlers } = this.options;
    switch (request.method) {
      case 'ping':
        return {};
      case 'elicitation/create': {
        if (!handlers.elicitation) break;
        const { params } = parseRequest(ElicitRequestSchema, request);
        return applyElicitationDefaults(params, await handlers.elicitation(params, context));
      }
      case 'sampling/createMessage': {
        if (!handlers.sampling) break;
        const { params } = parseRequest(CreateMessageRequestSchema, request);
        return await handlers.sampling(params, context);
      }
      case 'roots/list':
        if (!handlers.roots) break;
        return await handlers.roots(context);
    }
    throw new MethodNotFound();
  }
}

function parseRequest<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  request: JSONRPCRequest,
): T {
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw new InvalidParams();
  return parsed.data;
}

function errorFor(error: unknown, method: string): JSONRPCErrorResponse['error'] {
  if (error instanceof MethodNotFound) {
    return { code: ErrorCode.MethodNotFound, message: `Method not found: ${method}` };
  }
  if (error instanceof InvalidParams) {
    return { code: ErrorCode.InvalidParams, message: `Invalid params for ${method}` };
  }
  return { code: ErrorCode.InternalError, message: `The client could not answer ${method}` };
}

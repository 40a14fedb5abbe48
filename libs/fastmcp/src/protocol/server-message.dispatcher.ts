import { setMaxListeners } from 'node:events';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  CreateMessageRequestSchema,
  ErrorCode,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type McpError,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { linkedSignal } from '../client/linked-signal.js';
import { McpInputRequiredError } from '../errors/mcp-input-required.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ServerRequestEvent } from '../events/fastmcp-events.interface.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import type { ServerRequestContext } from '../options/client-handlers.interface.js';
import type { UpstreamText } from '../transport/upstream-text.js';
import { type Clock, FASTMCP_CLOCK, systemClock } from '../retry/clock.js';
import { clientCapabilities } from './client-capabilities.js';
import { dispatchNotification } from './dispatch-notification.js';
import { ElicitationCompletions } from './elicitation-completions.js';
import { readElicitation } from './elicitation-request.js';
import { HandlerResults, InvalidHandlerResult } from './handler-results.js';
import {
  MAX_ANSWERING_PER_STREAM,
  MAX_PINGS_PER_STREAM,
  ServerRequestLimit,
} from './server-request-limit.js';
import { InertLogger } from '../logging/inert-logger.js';

/** What a 2026-07-28 `input_required` result may ask for. */
const INPUT_METHODS = new Set(['elicitation/create', 'sampling/createMessage', 'roots/list']);

/** The request that a stream belongs to, and how to answer the server on it. */
export interface ExchangeContext {
  clientId: string;
  /** Aborts when the exchange ends, however it ends. */
  signal: AbortSignal;
  /** The server's requests being handled now, by id, so `notifications/cancelled` reaches them. */
  handling: Map<string | number, AbortController>;
  /** The progress token sent with the request, if any. */
  progressToken?: string | number;
  /**
   * Posts a JSON-RPC response back to the server. Absent on a 2026-07-28 response stream, where a
   * server may send no request and the client may send no response: its requests are dropped.
   */
  reply?: (message: JSONRPCMessage) => Promise<void>;
  onProgress?(progress: Progress): void;
  /**
   * The attempt whose stream this is waits on the client while a handler answers: its bulkhead
   * slot is lent (a call the handler makes to the same server must not wait for it) and its
   * timeout paused (the time is the person's or the model's, not the server's). Returns the
   * end of the wait. Absent on a stream no attempt holds (the GET).
   */
  waitOnClient?(): () => void;
  /** Scrubs the server's words (a request's method) of the exchange's secrets before an event. */
  upstream: UpstreamText;
}

/** Listeners a stream's signal may hold: every request answered at once, and the exchange's. */
const STREAM_SIGNAL_LISTENERS = MAX_ANSWERING_PER_STREAM + MAX_PINGS_PER_STREAM + 4;

class MethodNotFound extends Error {}
/** Params that are not valid; its message, if any, says why in the client's words. */
class InvalidParams extends Error {}
/** An elicitation in a mode the client did not declare (e.g. `url` when it declared `form`). */
class UndeclaredMode extends InvalidParams {
  constructor(readonly mode: string) {
    super();
  }
}

/**
 * Handles what a server sends on a stream besides the awaited response: its requests (ping,
 * elicitation, sampling, roots) are answered by the handlers in the options, its progress and
 * log notifications are raised as events, its cancellations abort the handler concerned. A
 * stream has at most MAX_ANSWERING_PER_STREAM requests being answered at once; the rest are
 * dropped, so a flood of requests costs no memory. A 2026-07-28 response stream carries no
 * requests: any there are dropped unanswered, and no handler runs for them.
 */
@Injectable()
export class ServerMessageDispatcher {
  private readonly limit = new ServerRequestLimit();
  private readonly results = new HandlerResults();
  private readonly logger = new InertLogger('FastMCP Enhanced');
  /** Handler answers refused per client id (client ids are the app's: bounded). */
  private readonly invalidResults = new Map<string, number>();
  /** Streams whose dropped 2026-07-28 request was logged: one WARN a stream, not one a request. */
  private readonly warned = new WeakSet<ExchangeContext>();
  /** The elicitation modes declared to servers; a request in another mode is refused. */
  private readonly elicitationModes: ReadonlySet<string>;
  /** Accepted url elicitations, until the server says they are complete. */
  private readonly completions: ElicitationCompletions;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
    @Optional() @Inject(FASTMCP_CLOCK) clock?: Clock,
  ) {
    const declared = clientCapabilities(options.handlers).elicitation ?? {};
    this.elicitationModes = new Set(Object.keys(declared));
    this.completions = new ElicitationCompletions(events, clock ?? systemClock);
  }

  /**
   * Answers the input requests of a modern `input_required` result with the same handlers, by
   * key: the `inputResponses` of the retried request. Throws McpInputRequiredError when a
   * request has no handler, asks for an elicitation mode not declared, or its handler fails.
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
      const { reply } = context;
      if (!reply) {
        this.drop(message, context);
        this.warnRequestOnModernStream(context);
        return;
      }
      // Ids are unique among requests in flight (JSON-RPC): a second request with the id of one
      // still being answered would run a handler again (ask the person twice), and the server's
      // cancel of that id would reach only one of them. Any answer to it would end the first.
      if (context.handling.has(message.id)) {
        this.drop(message, context);
        return;
      }
      const ping = message.method === 'ping';
      if (!this.limit.admit(context, context.clientId, ping)) {
        this.drop(message, context);
        return;
      }
      void this.answer(message, context, reply).finally(() => this.limit.release(context, ping));
      return;
    }
    if (this.completions.completed(message, context.clientId)) return;
    dispatchNotification(message, context, this.events);
  }

  /** A request left unanswered: raised as a `dropped` server.request event. */
  private drop(message: JSONRPCRequest, context: ExchangeContext): void {
    const method = context.upstream.excerpt(message.method, 100);
    this.events.emit('server.request', { clientId: context.clientId, method, outcome: 'dropped' });
  }

  /**
   * A request on a 2026-07-28 response stream, where servers MUST NOT send one and clients MUST
   * NOT answer: logged once a stream.
   */
  private warnRequestOnModernStream(context: ExchangeContext): void {
    const { clientId } = context;
    if (this.warned.has(context)) return;
    this.warned.add(context);
    this.logger.warn(
      `Ignored a request from ${clientId} on a 2026-07-28 response stream: servers may send none there`,
      { event: 'server.request.dropped', clientId },
    );
  }

  private async answer(
    request: JSONRPCRequest,
    context: ExchangeContext,
    send: NonNullable<ExchangeContext['reply']>,
  ): Promise<void> {
    const controller = new AbortController();
    // Each request answered at once listens on the stream's signal: past Node's default of 10,
    // a bounded count (see ServerRequestLimit) would be reported as a possible leak.
    setMaxListeners(STREAM_SIGNAL_LISTENERS, context.signal);
    // Not AbortSignal.any: the session's GET stream lives as long as the session, and on Node 20
    // each one would leave an entry on it for every request answered there.
    const linked = linkedSignal([context.signal, controller.signal]);
    const { signal } = linked;
    context.handling.set(request.id, controller);
    let outcome: ServerRequestEvent['outcome'] = 'handled';
    let reply: JSONRPCMessage;
    const endWait = context.waitOnClient?.();
    try {
      const result = await this.handle(request, { clientId: context.clientId, signal }, false);
      reply = { jsonrpc: '2.0', id: request.id, result: result as Record<string, unknown> };
    } catch (error) {
      outcome = error instanceof MethodNotFound ? 'unsupported' : 'failed';
      this.warnInvalidResult(error, request.method, context.clientId, context.upstream);
      reply = { jsonrpc: '2.0', id: request.id, error: errorFor(error, request.method, context) };
    } finally {
      endWait?.();
      context.handling.delete(request.id);
      linked.detach();
    }
    this.events.emit('server.request', {
      clientId: context.clientId,
      method: context.upstream.excerpt(request.method, 100),
      outcome,
    });
    // A request the server cancelled, or whose exchange is over, is not answered.
    if (signal.aborted) return;
    this.completions.answered(context.clientId, request, reply);
    await send(reply).catch(() => undefined);
  }

  /** A handler that returned what its method cannot answer: the app's to fix, so said at WARN. */
  private warnInvalidResult(
    error: unknown,
    method: string,
    clientId: string,
    upstream: UpstreamText,
  ): void {
    if (!(error instanceof InvalidHandlerResult)) return;
    // The server chose the schema the answer broke, so it can have every answer refused: the
    // 1st, 10th, 100th... refusal of a client id is logged.
    const count = (this.invalidResults.get(clientId) ?? 0) + 1;
    this.invalidResults.set(clientId, count);
    if (!Number.isInteger(Math.log10(count))) return;
    const named = method.slice(0, 100);
    const times = count > 1 ? ` (${count} answers so far)` : '';
    // Its message may quote the server's schema, whose names and values the server chose.
    this.logger.warn(
      `The ${named} handler's answer to ${clientId} was not sent${times}: ${upstream.scrub(error.message)}`,
      { event: 'server.request.invalid_result', clientId },
    );
  }

  private async answerInput(
    key: string,
    value: unknown,
    context: ServerRequestContext,
    upstream: UpstreamText,
  ): Promise<unknown> {
    const { method, params } = (value ?? {}) as { method?: unknown; params?: unknown };
    // The key and method are the server's words: they go into errors scrubbed and capped.
    const named = (text: string): string => upstream.excerpt(text, 100);
    const fields = { clientId: context.clientId, method: named(String(method)) };
    if (typeof method !== 'string') {
      this.events.emit('server.request', { ...fields, outcome: 'failed' });
      throw new McpInputRequiredError(
        'invalid',
        `input request ${named(key)} has no method`,
        fields,
      );
    }
    if (!INPUT_METHODS.has(method)) {
      // 2026-07-28 allows these three only (`ping` is gone from the revision).
      this.events.emit('server.request', { ...fields, outcome: 'unsupported' });
      throw new McpInputRequiredError(
        'invalid',
        `input request ${named(key)} is ${fields.method}, not elicitation, sampling or roots`,
        fields,
      );
    }
    const request = { jsonrpc: '2.0' as const, id: key, method, params } as JSONRPCRequest;
    let outcome: ServerRequestEvent['outcome'] = 'handled';
    try {
      return await this.handle(request, context, true);
    } catch (error) {
      outcome = error instanceof MethodNotFound ? 'unsupported' : 'failed';
      if (error instanceof MethodNotFound) {
        throw new McpInputRequiredError('no_handler', `no handler for ${fields.method}`, fields);
      }
      if (error instanceof UndeclaredMode) {
        const mode = named(error.mode);
        throw new McpInputRequiredError(
          'invalid',
          `${fields.method} asks for mode ${mode}, which the client did not declare`,
          fields,
        );
      }
      if (error instanceof InvalidParams) {
        const problem = error.message ? `: ${error.message}` : '';
        throw new McpInputRequiredError(
          'invalid',
          `${fields.method} is not valid${problem}`,
          fields,
        );
      }
      this.warnInvalidResult(error, fields.method, context.clientId, upstream);
      throw new McpInputRequiredError('handler_failed', `the ${fields.method} handler failed`, {
        ...fields,
        cause: upstream.scrubError(error),
      });
    } finally {
      this.events.emit('server.request', {
        clientId: context.clientId,
        method: fields.method,
        outcome,
      });
    }
  }

  /** Answers one request with its handler; `modern`: a 2026-07-28 input request. */
  private async handle(
    request: JSONRPCRequest,
    context: ServerRequestContext,
    modern: boolean,
  ): Promise<unknown> {
    const { handlers } = this.options;
    switch (request.method) {
      case 'ping':
        return {};
      case 'elicitation/create': {
        if (!handlers.elicitation) break;
        // Only the modes declared in the capabilities reach the handler, their params checked.
        const read = readElicitation(request, this.elicitationModes, modern);
        if (read.kind === 'undeclared') throw new UndeclaredMode(read.mode);
        if (read.kind === 'invalid') throw new InvalidParams(read.problem);
        const { params } = read;
        return this.results.elicitation(params, await handlers.elicitation(params, context));
      }
      case 'sampling/createMessage': {
        if (!handlers.sampling) break;
        const { params } = parseRequest(CreateMessageRequestSchema, request);
        const withTools = params.tools !== undefined;
        return this.results.sampling(withTools, await handlers.sampling(params, context));
      }
      case 'roots/list':
        if (!handlers.roots) break;
        return this.results.roots(await handlers.roots(context));
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

function errorFor(
  error: unknown,
  method: string,
  context: ExchangeContext,
): JSONRPCErrorResponse['error'] {
  if (error instanceof MethodNotFound) {
    return { code: ErrorCode.MethodNotFound, message: `Method not found: ${method}` };
  }
  if (error instanceof UndeclaredMode) {
    return {
      code: ErrorCode.InvalidParams,
      message: `Elicitation mode not declared: ${error.mode.slice(0, 100)}`,
    };
  }
  if (error instanceof InvalidParams) {
    const problem = error.message ? `: ${error.message}` : '';
    return { code: ErrorCode.InvalidParams, message: `Invalid params for ${method}${problem}` };
  }
  // An McpError the handler threw on purpose keeps its code: -1 when a person refused sampling.
  if (isThrownMcpError(error)) {
    return { code: error.code, message: context.upstream.excerpt(error.message, 200) };
  }
  return { code: ErrorCode.InternalError, message: `The client could not answer ${method}` };
}

/** An McpError of the SDK (by name: the app may have its own copy of the SDK). */
function isThrownMcpError(error: unknown): error is McpError {
  return (
    error instanceof Error &&
    error.name === 'McpError' &&
    Number.isInteger((error as { code?: unknown }).code)
  );
}

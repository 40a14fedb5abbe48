import { setMaxListeners } from 'node:events';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { JSONRPCMessage, JSONRPCRequest, Progress } from '@modelcontextprotocol/sdk/types.js';
import { linkedSignal } from '../client/linked-signal.js';
import { McpInputRequiredError } from '../errors/mcp-input-required.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ServerRequestEvent } from '../events/fastmcp-events.interface.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import type { ServerRequestContext } from '../options/client-handlers.interface.js';
import type { UpstreamText } from '../transport/upstream-text.js';
import { ClientHandlerCalls } from './client-handler-calls.js';
import { answerTaskRequest, TASK_METHODS } from './client-task-requests.js';
import { ClientTaskStarter } from './client-task-starter.js';
import type { ClientTaskStore } from './client-task-store.js';
import { dispatchNotification } from './dispatch-notification.js';
import { ElicitationCompletions } from './elicitation-completions.js';
import { InvalidResultWarnings } from './invalid-result-warnings.js';
import {
  errorFor,
  InvalidElicitation,
  InvalidParams,
  MethodNotFound,
  UndeclaredMode,
} from './server-request-errors.js';
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
  /**
   * The session's tasks, when the client declared them (a 2025-11-25 session): the server's
   * `tasks/*` requests are answered from it, and its task-augmented elicitation and sampling
   * become tasks in it. Absent elsewhere: `task` in a request is then ignored.
   */
  tasks?: ClientTaskStore;
}

/** Listeners a stream's signal may hold: every request answered at once, and the exchange's. */
const STREAM_SIGNAL_LISTENERS = MAX_ANSWERING_PER_STREAM + MAX_PINGS_PER_STREAM + 4;

/** The abort reason of a task whose creation could not be told to the server. */
const CREATION_NOT_SENT = new Error('the answer that created the task could not be sent');

/**
 * Handles what a server sends on a stream besides the awaited response: its requests (ping,
 * elicitation, sampling, roots) are answered by the handlers in the options, its progress and
 * log notifications are raised as events, its cancellations abort the handler concerned. A
 * stream has at most MAX_ANSWERING_PER_STREAM requests being answered at once; the rest are
 * dropped, so a flood of requests costs no memory. A 2026-07-28 response stream carries no
 * requests: any there are dropped unanswered, and no handler runs for them. On a session that
 * takes tasks (see ExchangeContext.tasks), an elicitation or sampling sent as a task is answered
 * at once with the task, its handler run in the background, and the server's `tasks/*` requests
 * are answered from the session's tasks.
 */
@Injectable()
export class ServerMessageDispatcher {
  private readonly limit = new ServerRequestLimit();
  private readonly calls: ClientHandlerCalls;
  private readonly warnings = new InvalidResultWarnings();
  private readonly taskStarter: ClientTaskStarter;
  private readonly logger = new InertLogger('FastMCP Enhanced');
  /** Streams whose dropped 2026-07-28 request was logged: one WARN a stream, not one a request. */
  private readonly warned = new WeakSet<ExchangeContext>();
  /** Url elicitations waited on, until the server says they are complete. */
  private readonly completions: ElicitationCompletions;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) options: ResolvedFastMcpOptions,
    @Inject(FastMcpEvents) private readonly events: FastMcpEvents,
    @Optional() @Inject(ElicitationCompletions) completions?: ElicitationCompletions,
  ) {
    this.calls = new ClientHandlerCalls(options.handlers);
    this.completions = completions ?? new ElicitationCompletions(events);
    this.taskStarter = new ClientTaskStarter(this.calls, events, this.warnings, this.completions);
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
    let created: string | undefined;
    const endWait = context.waitOnClient?.();
    try {
      const task = signal.aborted ? undefined : this.taskStarter.start(request, context);
      created = task?.taskId;
      const result = task
        ? { task }
        : await this.handle(request, { clientId: context.clientId, signal }, context);
      reply = { jsonrpc: '2.0', id: request.id, result: result as Record<string, unknown> };
    } catch (error) {
      outcome = error instanceof MethodNotFound ? 'unsupported' : 'failed';
      this.warnings.warn(error, request.method, context.clientId, context.upstream);
      const answer = errorFor(error, request.method, context.upstream);
      reply = { jsonrpc: '2.0', id: request.id, error: answer };
    } finally {
      endWait?.();
      context.handling.delete(request.id);
      linked.detach();
    }
    // A task's request is raised once its handler is done (see ClientTaskStarter), as a plain
    // one's is.
    if (created === undefined) {
      this.events.emit('server.request', {
        clientId: context.clientId,
        method: context.upstream.excerpt(request.method, 100),
        outcome,
      });
    }
    // A request the server cancelled, or whose exchange is over, is not answered.
    if (signal.aborted) return;
    this.completions.answered(context.clientId, request, reply);
    await send(reply).catch(() => {
      // The server may never learn of the task: no one is asked for what no one will fetch.
      if (created !== undefined) context.tasks?.cancel(created, CREATION_NOT_SENT);
    });
  }

  /**
   * A request of the session's server answered at once: a `tasks/*` one from the session's
   * tasks, any other by its handler.
   */
  private async handle(
    request: JSONRPCRequest,
    handlerContext: ServerRequestContext,
    exchange: ExchangeContext,
  ): Promise<unknown> {
    const { tasks } = exchange;
    if (tasks && TASK_METHODS.has(request.method)) {
      return answerTaskRequest(request, tasks, handlerContext.signal);
    }
    return this.calls.prepare(request)(handlerContext);
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
      return await this.calls.prepare(request, true)(context);
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
        const problem = error instanceof InvalidElicitation ? `: ${error.problem}` : '';
        throw new McpInputRequiredError(
          'invalid',
          `${fields.method} is not valid${problem}`,
          fields,
        );
      }
      this.warnings.warn(error, fields.method, context.clientId, upstream);
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
}

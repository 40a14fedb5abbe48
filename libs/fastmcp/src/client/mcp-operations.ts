import type { RetryOptions } from '../options/retry-options.interface.js';
import { Inject, Injectable } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { FailedOperation } from '../dlq/core/failed-operation.interface.js';
import { ReplayConflictError } from '../errors/replay-conflict.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpAbortedError } from '../errors/mcp-aborted.error.js';
import { isMcpDisconnectedError, McpDisconnectedError } from '../errors/mcp-disconnected.error.js';
import { isMcpTimeoutError } from '../errors/mcp-timeout.error.js';
import { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { OperationName } from '../events/operation-name.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import type { McpServerConfig } from '../options/server-config.interface.js';
import { asNotDelivered } from '../retry/with-delivery.js';
import type { RetryRun } from '../retry/retry-run.js';
import type {
  InputRounds,
  McpConnection,
  ToolRouting,
} from '../session/mcp-connection.interface.js';
import type { ListenFilter } from '../session/listen-filter.js';
import { McpConnector } from '../session/mcp-connector.js';
import type { McpSession } from '../session/mcp-session.interface.js';
import { assertClientIdArgument, resolveServer } from '../session/resolve-server.js';
import { raceSignal } from '../session/race-signal.js';
import { ResourceSubscriptions } from '../session/resource-subscriptions.js';
import { SessionRegistry } from '../session/session-registry.js';
import type { ExchangeOptions } from '../transport/exchange-options.interface.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { assertToolCall } from './call-input.validation.js';
import type { CallOptions } from './call-options.interface.js';
import { parseReadResult, type ReadMethod, type ReadResult } from './mcp-read-results.js';
import { parseCallToolResult, parseToolsPage } from './mcp-results.js';
import { PageCollector } from './page-collector.js';
import type { OperationSpec } from './operation-spec.interface.js';
import { ToolCatalog } from './tool-catalog.js';
import { toolsWithoutSecrets } from './tool-words.js';
import { ToolListing } from './tool-listing.js';
import { isSafeToRepeat } from './tool-repeat-safety.js';
import { pollInlineResult } from './modern-task-steps.js';
import { awaitTaskResult, pollThenFetchResult, type TaskChannel } from './task-polling.js';
import { isTaskHandle, offersTaskCancel, offersToolTasks, runsAsTask } from './tool-task.js';
import { InertLogger } from '../logging/inert-logger.js';

/** Invalid tool names a WARN line shows; the rest are counted. */
const SKIPPED_NAMES_SHOWN = 10;

/** Builds each MCP operation as an OperationSpec over the client's connections, whatever their era. */
@Injectable()
export class McpOperations {
  readonly sessions = new SessionRegistry();
  private readonly catalog = new ToolCatalog();
  private readonly logger = new InertLogger('FastMCP Enhanced');
  /** Servers given to `connect*` explicitly, kept so a lost session re-initialises there. */
  private readonly explicitServers = new Map<string, McpServerConfig>();
  /**
   * A token per client id, dropped by `forget`: an operation holds the one it started under, so
   * once its client id is disconnected its next attempt fails instead of connecting it again.
   */
  private readonly epochs = new Map<string, object>();
  /** Tool calls sent as tasks so far: each has a progress token of its own (see callTool). */
  private taskCalls = 0;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(McpConnector) private readonly connector: McpConnector,
    @Inject(FastMcpEvents) events: FastMcpEvents,
    @Inject(ResourceSubscriptions) private readonly subscriptions: ResourceSubscriptions,
  ) {
    events.on('server.tools_changed', ({ clientId }) => this.catalog.forget(clientId));
  }

  connect(clientId: string, config?: Partial<McpServerConfig>): OperationSpec<McpSession> {
    const server = resolveServer(
      clientId,
      this.options,
      config ?? this.explicitServers.get(clientId),
    );
    const tracker = this.tracker(clientId, { url: server.url, headers: server.headers ?? {} });
    return {
      clientId,
      lastTarget: tracker.lastTarget,
      dropSession: tracker.dropSession,
      operation: 'connect',
      method: 'initialize',
      attempt: async (run) => {
        tracker.assertNotDisconnected();
        const existing = this.sessions.get(clientId);
        const reusable = existing && !existing.lost && existing.session.url === server.url;
        if (reusable && !config) return existing.session;
        if (config) this.explicitServers.set(clientId, server);
        // What another connection listed says nothing of this one (annotations decide retries).
        this.catalog.forget(clientId);
        const { connected, replaced } = await this.sessions.replace(clientId, () =>
          this.connector.connect(clientId, server, run),
        );
        if (replaced) this.sessions.endInBackground(replaced);
        tracker.track(connected);
        return connected.session;
      },
    };
  }

  listTools(clientId: string): OperationSpec<Tool[]> {
    this.assertKnown(clientId);
    const tracker = this.tracker(clientId);
    let listing: ToolListing | undefined;
    let listedOn: McpConnection | undefined;
    return {
      clientId,
      lastTarget: tracker.lastTarget,
      dropSession: tracker.dropSession,
      operation: 'list_tools',
      method: 'tools/list',
      attempt: async (run) => {
        const cached = this.cachesTools(clientId) && this.catalog.fresh(clientId, run.now());
        if (cached) return cached;
        // Pages already fetched are kept across retries: a retry resumes at the failed page,
        // unless the session changed (a cursor means nothing to a new session).
        for (;;) {
          tracker.assertNotDisconnected();
          const connected = tracker.track(await this.sessionFor(clientId, run));
          const current =
            listing && listedOn === connected ? listing : this.newListing(clientId, connected);
          listing = current;
          listedOn = connected;
          const result = await this.send(clientId, connected, 'tools/list', current.params(), run);
          if (current.add(this.toolsPage(result, clientId, connected, current))) {
            const { tools, ttlMs } = current;
            const fresh = this.cachesTools(clientId) && ttlMs > 0 ? run.now() + ttlMs : undefined;
            this.rememberTools(clientId, connected, tools, fresh);
            return tools;
          }
        }
      },
    };
  }

  /**
   * One request that only reads (`resources/read`, `prompts/get`, `completion/complete`): safe to
   * send again after any failure, and never dead-lettered.
   */
  read<M extends ReadMethod>(
    clientId: string,
    operation: OperationName,
    method: M,
    params: Record<string, unknown>,
  ): OperationSpec<ReadResult<M>> {
    this.assertKnown(clientId);
    const tracker = this.tracker(clientId);
    return {
      clientId,
      lastTarget: tracker.lastTarget,
      dropSession: tracker.dropSession,
      operation,
      method,
      params,
      attempt: async (run) => {
        tracker.assertNotDisconnected();
        const connected = tracker.track(await this.sessionFor(clientId, run));
        const result = await this.send(clientId, connected, method, params, run);
        return parseReadResult(method, result, clientId);
      },
    };
  }

  /**
   * Every page of a paginated read (`resources/list`, `prompts/list`...), as one operation. Pages
   * already fetched are kept across retries, unless the session changed.
   */
  readAllPages<M extends ReadMethod, T>(
    clientId: string,
    operation: OperationName,
    method: M,
    itemsOf: (result: ReadResult<M>) => { items: readonly T[]; nextCursor?: string },
  ): OperationSpec<T[]> {
    this.assertKnown(clientId);
    const tracker = this.tracker(clientId);
    let pages: PageCollector<T> | undefined;
    let listedOn: McpConnection | undefined;
    return {
      clientId,
      lastTarget: tracker.lastTarget,
      dropSession: tracker.dropSession,
      operation,
      method,
      attempt: async (run) => {
        for (;;) {
          tracker.assertNotDisconnected();
          const connected = tracker.track(await this.sessionFor(clientId, run));
          if (!pages || listedOn !== connected) {
            const maxBytes = connected.target.maxResponseBytes ?? this.options.maxResponseBytes;
            pages = new PageCollector<T>(method, clientId, connected.target, maxBytes, operation);
            listedOn = connected;
          }
          const result = await this.send(clientId, connected, method, pages.params(), run);
          if (pages.add(itemsOf(parseReadResult(method, result, clientId)))) return pages.items;
        }
      },
    };
  }

  /**
   * `resources/subscribe` (or `unsubscribe`) of `uri`. The client keeps its subscriptions and asks
   * for them again on each new 2025 session; on a 2026-07-28 connection they make up the filter of
   * its `subscriptions/listen` stream, opened anew, and a subscription the server does not
   * acknowledge fails. Both are safe to send again, and never dead-lettered.
   */
  subscription(clientId: string, uri: string, subscribe: boolean): OperationSpec<void> {
    this.assertKnown(clientId);
    const tracker = this.tracker(clientId);
    const method = subscribe ? 'resources/subscribe' : 'resources/unsubscribe';
    const params = { uri };
    return {
      clientId,
      lastTarget: tracker.lastTarget,
      dropSession: tracker.dropSession,
      operation: subscribe ? 'subscribe_resource' : 'unsubscribe_resource',
      method,
      params,
      attempt: async (run) => {
        tracker.assertNotDisconnected();
        const connected = tracker.track(await this.sessionFor(clientId, run));
        if (subscribe) assertSubscribable(connected.session);
        const wasWanted = this.subscriptions.has(clientId, uri);
        if (subscribe) this.subscriptions.add(clientId, uri);
        else this.subscriptions.delete(clientId, uri);
        try {
          if (connected.target.era === 'modern') {
            await this.relisten(connected, run, subscribe ? uri : undefined);
            return;
          }
          // The GET stream first: an update sent right after the subscription has a way to come.
          if (subscribe) await this.connector.listenFirst(connected, run);
          await this.send(clientId, connected, method, params, run);
        } catch (error) {
          if (subscribe && !wasWanted) this.subscriptions.delete(clientId, uri);
          throw error;
        }
      },
    };
  }

  /**
   * The listing of `toolName`, listed first when its server runs tools as tasks and the client id
   * has none: whether the call goes as a task is the tool's to say (`execution.taskSupport`).
   */
  private async toolBeforeCall(
    clientId: string,
    connected: McpConnection,
    toolName: string,
    run: RetryRun,
  ): Promise<Tool | undefined> {
    const known = this.catalog.tool(clientId, toolName);
    if (known || !offersToolTasks(connected.session) || this.catalog.has(clientId)) return known;
    await this.relist(clientId, connected, run).catch((error: unknown) => {
      throw asNotDelivered(error, 'call_tool');
    });
    return this.catalog.tool(clientId, toolName);
  }

  /**
   * Follows task `taskId` of a tool that an earlier call left running (its McpDeliveryUnknownError
   * named the task) to the tool's result, on the client id's session: safe to send again, never
   * dead-lettered; an abort stops the wait, not the task.
   */
  awaitTask(clientId: string, taskId: string): OperationSpec<CallToolResult> {
    this.assertKnown(clientId);
    const tracker = this.tracker(clientId);
    const params = { taskId };
    return {
      clientId,
      lastTarget: tracker.lastTarget,
      dropSession: tracker.dropSession,
      operation: 'await_task',
      method: 'tasks/get',
      params,
      attempt: async (run) => {
        tracker.assertNotDisconnected();
        const connected = tracker.track(await this.sessionFor(clientId, run));
        const task = await this.send(clientId, connected, 'tasks/get', params, run);
        const channel = this.taskChannel(clientId, connected, run, false);
        const result = await awaitTaskResult(task, channel, run, undefined);
        return parseCallToolResult(result, clientId);
      },
    };
  }

  /**
   * The requests that follow a task on `connected`, as attempts of `run`; with `progress`, the
   * task's progress on their streams (under the call's token) reaches the caller.
   */
  private taskChannel(
    clientId: string,
    connected: McpConnection,
    run: RetryRun,
    cancelOnAbort: boolean,
    progress?: ExchangeOptions['progress'],
  ): TaskChannel {
    const cancel = cancelOnAbort && offersTaskCancel(connected.session);
    const exchange = progress && { progress: Object.assign({}, progress, { heardOnly: true }) };
    return {
      request: (method, params) => this.send(clientId, connected, method, params, run, exchange),
      cancel: cancel ? (taskId) => this.connector.cancelTask(connected, taskId) : null,
      upstream: new UpstreamText(connected.target),
      // Only a modern connection answers input outside a stream: its tasks carry their end inline.
      steps: connected.answerInput
        ? pollInlineResult((result) => connected.answerInput!(result, run))
        : pollThenFetchResult,
    };
  }

  /** The client id's subscribed URIs. */
  subscribedResources(clientId: string): string[] {
    return this.subscriptions.uris(clientId);
  }

  /**
   * Opens the modern connection's listen stream anew, as one attempt of `run`; `uri`, when given,
   * must be among the subscriptions the server acknowledged.
   */
  private async relisten(connected: McpConnection, run: RetryRun, uri?: string): Promise<void> {
    const attempt = await run.beginAttempt();
    let acknowledged: ListenFilter;
    try {
      acknowledged = await this.connector.relisten(connected, attempt.signal);
      run.recordSuccess();
    } catch (error) {
      throw run.explainAbort(error);
    }
    if (uri === undefined || acknowledged.resourceSubscriptions?.includes(uri)) return;
    throw new McpProtocolError(-32601, 'the server did not acknowledge the subscription', {
      clientId: connected.session.clientId,
      delivery: 'not_delivered',
    });
  }

  callTool(
    clientId: string,
    toolName: string,
    args?: Record<string, unknown>,
    opts: CallOptions = {},
  ): OperationSpec<CallToolResult> {
    assertToolCall(toolName, args);
    this.assertKnown(clientId);
    const tracker = this.tracker(clientId);
    const params = { name: toolName, arguments: args ?? {} };
    const progress = {
      onProgress: opts.onProgress,
      resetTimeout: opts.resetTimeoutOnProgress ?? true,
      maxAttemptMs: opts.maxTotalTimeoutMs,
    };
    // Made once: a plain call's attempts share it.
    const exchange = { progress };
    let ownRequestOut = false;
    // One call's input rounds, across its attempts: a retry resends the round that failed.
    const rounds: InputRounds = { answered: 0 };
    const safeToRepeat = (ambiguousToolCalls: RetryOptions['ambiguousToolCalls']): boolean =>
      isSafeToRepeat(
        this.explicitServers.get(clientId) ?? this.options.servers[clientId],
        toolName,
        this.catalog.tool(clientId, toolName),
        ambiguousToolCalls,
      );
    return {
      clientId,
      lastTarget: tracker.lastTarget,
      dropSession: tracker.dropSession,
      operation: 'call_tool',
      method: 'tools/call',
      params,
      toolName,
      arguments: args,
      safeToRepeat,
      ownRequestOut: () => ownRequestOut,
      attempt: async (run) => {
        ownRequestOut = false;
        tracker.assertNotDisconnected();
        const connected = tracker.track(await this.sessionFor(clientId, run));
        const tool = await this.toolBeforeCall(clientId, connected, toolName, run);
        const asTask = runsAsTask(connected.session, tool, opts.task);
        ownRequestOut = true;
        const routing: ToolRouting = {
          tool,
          safeToRepeat,
          rounds,
          refreshTool: async () => {
            // Asked for by a refusal (-32020): the call did not run, whatever the listing met.
            await this.relist(clientId, connected, run).catch((error: unknown) => {
              throw asNotDelivered(error, 'call_tool');
            });
            return this.catalog.tool(clientId, toolName);
          },
        };
        const sent = asTask ? Object.assign({ task: {} }, params) : params;
        // A task's progress comes on later requests' streams, under a token of the call's own.
        const taskProgress = asTask
          ? Object.assign({}, progress, { token: `task-call-${++this.taskCalls}` })
          : undefined;
        const answer = await this.send(
          clientId,
          connected,
          'tools/call',
          sent,
          run,
          taskProgress ? { progress: taskProgress } : exchange,
          routing,
        );
        // A 2025-11-25 task the call asked for, or a task handle a 2026-07-28 server chose.
        const task = taskProgress ? answer.task : isTaskHandle(answer) ? answer : undefined;
        const result = task
          ? await awaitTaskResult(
              task,
              this.taskChannel(clientId, connected, run, true, taskProgress),
              run,
              toolName,
            )
          : answer;
        const parsed = parseCallToolResult(result, clientId);
        this.catalog.checkResult(clientId, toolName, parsed, connected.target);
        return parsed;
      },
    };
  }

  /**
   * The operation a dead-letter entry describes, on the entry's client id and that client id's
   * own server (never the URL stored in the entry: whatever can write to the DLQ cannot make
   * this app call a host it was not configured for).
   */
  forEntry(entry: FailedOperation): OperationSpec<unknown> {
    switch (entry.operation) {
      case 'connect':
        return this.connect(entry.clientId);
      case 'list_tools':
        return this.listTools(entry.clientId);
      case 'call_tool':
        if (entry.argumentsTruncated || !entry.toolName) {
          throw new ReplayConflictError(entry.id, {
            reason: `dead-letter entry ${entry.id} cannot be replayed: its arguments were capped when it was stored`,
          });
        }
        return this.callTool(entry.clientId, entry.toolName, entry.arguments);
    }
  }

  /** Forgets a client id's connection and server; returns the connection to end. */
  forget(clientId: string): McpConnection | undefined {
    this.epochs.delete(clientId);
    this.explicitServers.delete(clientId);
    this.catalog.forget(clientId);
    this.subscriptions.forget(clientId);
    return this.sessions.forget(clientId);
  }

  /**
   * The client id's session, connecting under `run` if needed. Concurrent callers share one
   * handshake; if that handshake ends for reasons of its own caller (an abort, a spent budget),
   * this caller starts its own instead of failing with someone else's error.
   */
  private async sessionFor(clientId: string, run: RetryRun): Promise<McpConnection> {
    for (let tries = 0; ; tries += 1) {
      try {
        return await this.sessions.obtain(
          clientId,
          () => {
            const server = resolveServer(
              clientId,
              this.options,
              this.explicitServers.get(clientId),
            );
            return this.connector.connect(clientId, server, run);
          },
          // Another caller's handshake is bounded by that caller's signal and budget, not ours.
          (handshake) =>
            run.outsideAttempt((signal) =>
              raceSignal(handshake, signal, () => signal.reason as Error),
            ),
        );
      } catch (error) {
        // The operation's own request was not sent: what failed came before it.
        if (tries >= 2 || !this.failedForAnotherCaller(error, run)) {
          throw asNotDelivered(error, run.operation);
        }
      }
    }
  }

  private failedForAnotherCaller(error: unknown, run: RetryRun): boolean {
    // Connected anew meanwhile: this operation goes on with the new connection.
    if (isMcpDisconnectedError(error)) return error.reason === 'reconnected';
    if (isMcpAbortedError(error)) return !run.aborted;
    if (isMcpTimeoutError(error) && error.scope === 'budget') return run.now() < run.deadline;
    return false;
  }

  /** One request on a connection; a failure that breaks the connection drops it. */
  private async send(
    clientId: string,
    connected: McpConnection,
    method: string,
    params: Record<string, unknown> | undefined,
    run: RetryRun,
    exchange?: ExchangeOptions,
    routing?: ToolRouting,
  ): Promise<Record<string, unknown>> {
    try {
      return await connected.request(method, params, run, exchange, routing);
    } catch (error) {
      if (this.connector.failed(clientId, connected, error)) {
        this.sessions.remove(clientId, connected);
      }
      throw error;
    }
  }

  /**
   * Lists every page again on `connected` (a header mismatch asks for it) and remembers them. A
   * listing that fails (a repeated cursor, too large) fails the call: the previous one is kept.
   */
  private async relist(clientId: string, connected: McpConnection, run: RetryRun): Promise<void> {
    const listing = this.newListing(clientId, connected);
    for (;;) {
      const result = await this.send(clientId, connected, 'tools/list', listing.params(), run);
      if (listing.add(this.toolsPage(result, clientId, connected, listing))) break;
    }
    this.rememberTools(clientId, connected, listing.tools);
  }

  /** Keeps a listing, unless the connection it came from is no longer the client id's. */
  private rememberTools(
    clientId: string,
    listedOn: McpConnection,
    tools: readonly Tool[],
    freshUntil?: number,
  ): void {
    if (this.sessions.get(clientId) !== listedOn) return;
    this.catalog.remember(clientId, tools, freshUntil);
  }

  /** A listing on `connected`, capped at its server's `maxResponseBytes` in total. */
  private newListing(clientId: string, connected: McpConnection): ToolListing {
    const { target } = connected;
    return new ToolListing(
      clientId,
      target,
      target.maxResponseBytes ?? this.options.maxResponseBytes,
    );
  }

  private toolsPage(
    result: unknown,
    clientId: string,
    connected: McpConnection,
    listing: ToolListing,
  ) {
    const upstream = new UpstreamText(connected.target);
    const listed = toolsWithoutSecrets(
      parseToolsPage(result, clientId, connected.target.era),
      upstream,
    );
    if (listing.notesSkipped(listed)) {
      // The names are the server's words: the first few, each scrubbed whole, then capped.
      const shown = listed.skipped.slice(0, SKIPPED_NAMES_SHOWN);
      const names = shown.map((name) => upstream.excerpt(name, 100)).join(', ');
      const more = listed.skipped.length - shown.length;
      const pages = listing.skippedPages > 1 ? ` (page ${listing.skippedPages} with some)` : '';
      this.logger.warn(
        `Skipped ${listed.skipped.length} invalid tool(s) from ${clientId}${pages}: ${names}` +
          (more > 0 ? ` and ${more} more` : ''),
      );
    }
    return listed;
  }

  /** `servers.X.toolListCache`: a listing is reused while the server's `ttlMs` lasts. */
  private cachesTools(clientId: string): boolean {
    const server = this.explicitServers.get(clientId) ?? this.options.servers[clientId];
    return server?.toolListCache === true;
  }

  /** True while the client id has a session (or one coming) or a server of its own. */
  inUse(clientId: string): boolean {
    return this.sessions.get(clientId) !== undefined || this.isConfigured(clientId);
  }

  private isConfigured(clientId: string): boolean {
    return this.options.servers[clientId] !== undefined || this.explicitServers.has(clientId);
  }

  /** Fails at once, before any attempt or event, for a client id with no session and no server. */
  private assertKnown(clientId: string): void {
    assertClientIdArgument(clientId);
    if (!this.sessions.get(clientId) && !this.isConfigured(clientId)) {
      resolveServer(clientId, this.options);
    }
  }

  /** Remembers the session an operation used, so a lost one is dropped and the entry names it. */
  private tracker(clientId: string, initial?: HttpTarget) {
    let current: McpConnection | undefined;
    let target = initial;
    let epoch = this.epochs.get(clientId);
    if (!epoch) this.epochs.set(clientId, (epoch = {}));
    return {
      lastTarget: () => target,
      /** Disconnected since the operation began: a retry must not connect the client id again. */
      assertNotDisconnected: () => {
        if (this.epochs.get(clientId) !== epoch) {
          throw new McpDisconnectedError(clientId, 'disconnected');
        }
      },
      dropSession: () => {
        if (current) this.sessions.remove(clientId, current);
      },
      track: (connected: McpConnection) => {
        current = connected;
        target = connected.target;
        return connected;
      },
    };
  }
}

/** Fails before anything is sent when the server does not offer `resources/subscribe`. */
function assertSubscribable(session: McpSession): void {
  if (session.capabilities?.resources?.subscribe) return;
  throw new McpProtocolError(
    -32601,
    'the server does not offer resource subscriptions (capabilities.resources.subscribe)',
    { clientId: session.clientId, delivery: 'not_delivered' },
  );
}

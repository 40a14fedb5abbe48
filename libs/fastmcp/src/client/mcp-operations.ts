import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { FailedOperation } from '../dlq/core/failed-operation.interface.js';
import { FastMcpError } from '../errors/fastmcp.error.js';
import { isMcpAbortedError } from '../errors/mcp-aborted.error.js';
import { McpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpTimeoutError } from '../errors/mcp-timeout.error.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import type { McpServerConfig } from '../options/server-config.interface.js';
import type { RetryRun } from '../retry/retry-run.js';
import { type ConnectedSession, performHandshake } from '../session/handshake.js';
import type { McpSession } from '../session/mcp-session.interface.js';
import { resolveServer } from '../session/resolve-server.js';
import { SessionRegistry } from '../session/session-registry.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { McpHttpTransport } from '../transport/mcp-http.transport.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { ServerStreamListener } from '../transport/server-stream.listener.js';
import { clientCapabilities } from '../protocol/client-capabilities.js';
import { ServerAuthRegistry } from '../auth/server-auth.registry.js';
import type { CallOptions } from './call-options.interface.js';
import { parseCallToolResult, parseToolsPage } from './mcp-results.js';
import type { OperationSpec } from './operation-spec.interface.js';
import { ToolCatalog } from './tool-catalog.js';
import { isSafeToRepeat } from './tool-repeat-safety.js';

const MAX_TOOL_PAGES = 1000;

/** Builds each MCP operation as an OperationSpec over the client's sessions. */
@Injectable()
export class McpOperations {
  readonly sessions = new SessionRegistry();
  private readonly catalog = new ToolCatalog();
  private readonly logger = new Logger('FastMCP Enhanced');
  /** Servers given to `connect*` explicitly, kept so a lost session re-initialises there. */
  private readonly explicitServers = new Map<string, McpServerConfig>();

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(McpHttpTransport) private readonly transport: McpHttpTransport,
    @Inject(ServerAuthRegistry) private readonly auth: ServerAuthRegistry,
    @Inject(ServerStreamListener) private readonly listener: ServerStreamListener,
  ) {}

  connect(clientId: string, config?: Partial<McpServerConfig>): OperationSpec<McpSession> {
    const server = resolveServer(
      clientId,
      this.options,
      config ?? this.explicitServers.get(clientId),
    );
    const tracker = this.tracker(clientId, { url: server.url, headers: server.headers ?? {} });
    return {
      ...tracker,
      operation: 'connect',
      method: 'initialize',
      attempt: async (run) => {
        const existing = this.sessions.get(clientId);
        if (existing && existing.session.url === server.url && !config) return existing.session;
        if (config) this.explicitServers.set(clientId, server);
        const { connected, replaced } = await this.sessions.replace(clientId, () =>
          this.handshake(clientId, server, run),
        );
        if (replaced?.sessionId) void this.transport.terminate(replaced).catch(() => undefined);
        tracker.track(connected);
        return connected.session;
      },
    };
  }

  listTools(clientId: string): OperationSpec<Tool[]> {
    this.assertKnown(clientId);
    const tracker = this.tracker(clientId);
    const tools: Tool[] = [];
    let cursor: string | undefined;
    let listedOn: ConnectedSession | undefined;
    return {
      ...tracker,
      operation: 'list_tools',
      method: 'tools/list',
      attempt: async (run) => {
        // Pages already fetched are kept across retries: a retry resumes at the failed page,
        // unless the session changed (a cursor means nothing to a new session).
        for (let page = 0; page < MAX_TOOL_PAGES; page += 1) {
          const connected = tracker.track(await this.sessionFor(clientId, run));
          if (listedOn && listedOn !== connected) {
            tools.length = 0;
            cursor = undefined;
          }
          listedOn = connected;
          const params = cursor === undefined ? undefined : { cursor };
          const { result } = await this.transport.request(
            connected.target,
            'tools/list',
            params,
            run,
          );
          const listed = parseToolsPage(result, clientId);
          if (listed.skipped.length > 0) {
            const names = new UpstreamText(connected.target).scrub(listed.skipped.join(', '));
            this.logger.warn(
              `Skipped ${listed.skipped.length} invalid tool(s) from ${clientId}: ${names}`,
            );
          }
          tools.push(...listed.tools);
          if (!listed.nextCursor) {
            this.catalog.remember(clientId, tools);
            return tools;
          }
          cursor = listed.nextCursor;
        }
        throw new McpProtocolError(-32603, `tools/list did not end after ${MAX_TOOL_PAGES} pages`, {
          clientId,
        });
      },
    };
  }

  callTool(
    clientId: string,
    toolName: string,
    args?: Record<string, unknown>,
    opts: CallOptions = {},
  ): OperationSpec<CallToolResult> {
    this.assertKnown(clientId);
    const tracker = this.tracker(clientId);
    const params = { name: toolName, arguments: args ?? {} };
    const exchange = {
      progress: {
        onProgress: opts.onProgress,
        resetTimeout: opts.resetTimeoutOnProgress ?? true,
        maxAttemptMs: opts.maxTotalTimeoutMs,
      },
    };
    return {
      ...tracker,
      operation: 'call_tool',
      method: 'tools/call',
      params,
      toolName,
      arguments: args,
      safeToRepeat: () =>
        isSafeToRepeat(
          this.explicitServers.get(clientId) ?? this.options.servers[clientId],
          toolName,
          this.catalog.tool(clientId, toolName),
        ),
      attempt: async (run) => {
        const connected = tracker.track(await this.sessionFor(clientId, run));
        const { result } = await this.transport.request(
          connected.target,
          'tools/call',
          params,
          run,
          exchange,
        );
        const parsed = parseCallToolResult(result, clientId);
        this.catalog.checkResult(clientId, toolName, parsed);
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
          throw new FastMcpError(`entry ${entry.id} cannot be replayed: its arguments were capped`);
        }
        return this.callTool(entry.clientId, entry.toolName, entry.arguments);
    }
  }

  /** Forgets a client id's session and server; returns the session to end. */
  forget(clientId: string): ConnectedSession | undefined {
    this.explicitServers.delete(clientId);
    this.catalog.forget(clientId);
    return this.sessions.remove(clientId);
  }

  /**
   * The client id's session, connecting under `run` if needed. Concurrent callers share one
   * handshake; if that handshake ends for reasons of its own caller (an abort, a spent budget),
   * this caller starts its own instead of failing with someone else's error.
   */
  private async sessionFor(clientId: string, run: RetryRun): Promise<ConnectedSession> {
    for (let tries = 0; ; tries += 1) {
      try {
        return await this.sessions.obtain(clientId, () => {
          const server = resolveServer(clientId, this.options, this.explicitServers.get(clientId));
          return this.handshake(clientId, server, run);
        });
      } catch (error) {
        if (tries >= 2 || !this.failedForAnotherCaller(error, run)) throw error;
      }
    }
  }

  private failedForAnotherCaller(error: unknown, run: RetryRun): boolean {
    if (isMcpAbortedError(error)) return !run.callerSignal?.aborted;
    if (isMcpTimeoutError(error) && error.scope === 'budget') return run.now() < run.deadline;
    return false;
  }

  private async handshake(
    clientId: string,
    server: McpServerConfig,
    run: RetryRun,
  ): Promise<ConnectedSession> {
    const client = {
      clientInfo: this.options.clientInfo,
      capabilities: clientCapabilities(this.options.handlers),
      auth: this.auth.forClient(clientId, server),
    };
    const connected = await performHandshake(this.transport, clientId, server, client, run);
    const handlers = this.options.handlers;
    const listen =
      server.listen ?? Boolean(handlers.elicitation ?? handlers.sampling ?? handlers.roots);
    if (listen) connected.stopListening = this.listener.listen(connected.target, clientId);
    return connected;
  }

  private isConfigured(clientId: string): boolean {
    return this.options.servers[clientId] !== undefined || this.explicitServers.has(clientId);
  }

  /** Fails at once, before any attempt or event, for a client id with no session and no server. */
  private assertKnown(clientId: string): void {
    if (!this.sessions.get(clientId) && !this.isConfigured(clientId)) {
      resolveServer(clientId, this.options);
    }
  }

  /** Remembers the session an operation used, so a lost one is dropped and the entry names it. */
  private tracker(clientId: string, initial?: HttpTarget) {
    let current: ConnectedSession | undefined;
    let target = initial;
    return {
      clientId,
      lastTarget: () => target,
      dropSession: () => {
        if (current) this.sessions.remove(clientId, current);
      },
      track: (connected: ConnectedSession) => {
        current = connected;
        target = connected.target;
        return connected;
      },
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { ServerAuthRegistry } from '../auth/server-auth.registry.js';
import type { ServerAuth } from '../auth/server-auth.interface.js';
import { isMcpHttpError } from '../errors/mcp-http.error.js';
import { isMcpProtocolError } from '../errors/mcp-protocol.error.js';
import { isMcpTransportError } from '../errors/mcp-transport.error.js';
import {
  isMcpUnsupportedVersionError,
  McpUnsupportedVersionError,
} from '../errors/mcp-unsupported-version.error.js';
import { FASTMCP_RESOLVED_OPTIONS } from '../options/fastmcp-options.constants.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import {
  MODERN_PROTOCOL_VERSIONS,
  NEGOTIABLE_PROTOCOL_VERSIONS,
} from '../options/protocol-versions.js';
import type { McpServerConfig } from '../options/server-config.interface.js';
import { clientCapabilities } from '../protocol/client-capabilities.js';
import { withTasksExtension } from '../protocol/tasks-extension.js';
import { takesTasks } from '../protocol/client-task-capability.js';
import { ClientTaskStore } from '../protocol/client-task-store.js';
import type { ClientEnvelope } from '../protocol/modern-envelope.js';
import { isModernError, jsonRpcErrorOf, supportedVersionsOf } from '../protocol/modern-errors.js';
import { ServerMessageDispatcher } from '../protocol/server-message.dispatcher.js';
import { type Clock, FASTMCP_CLOCK } from '../retry/clock.js';
import type { RetryRun } from '../retry/retry-run.js';
import type { HttpTarget } from '../transport/http-target.interface.js';
import { jsonRpcRequest } from '../transport/jsonrpc.js';
import { McpHttpTransport } from '../transport/mcp-http.transport.js';
import { ServerStreamListener, type StreamOpening } from '../transport/server-stream.listener.js';
import { type EraVerdict, probeEra } from './discover-probe.js';
import { EraVerdicts } from './era-verdicts.js';
import { initializeVersion, performHandshake } from './handshake.js';
import type { McpConnection } from './mcp-connection.interface.js';
import { modernSession } from './modern-session.js';
import { UpstreamText } from '../transport/upstream-text.js';
import { ModernConnection } from './modern-connection.js';
import { raceSignal } from './race-signal.js';
import { InertLogger } from '../logging/inert-logger.js';
import type { LegacySession } from './legacy-session.js';
import { isEmptyFilter, type ListenFilter, listenFilter } from './listen-filter.js';
import { ResourceSubscriptions } from './resource-subscriptions.js';
import { SubscriptionListeners } from './subscription-listeners.js';

/** A client id, its server, and that server's auth for this connect. */
interface Peer {
  clientId: string;
  server: McpServerConfig;
  auth: ServerAuth | undefined;
}

/**
 * Opens a client id's connection in the era its server speaks. A pinned 2025 revision does the
 * `initialize` handshake; `'auto'` (the default) probes `server/discover` first and falls back to
 * `initialize`. The verdict is kept per client id, for its latest server URL, for the life of the
 * client, and forgotten after a connection-level failure or a version error, so the next connect
 * probes again.
 */
@Injectable()
export class McpConnector {
  private readonly logger = new InertLogger('FastMCP Enhanced');
  private readonly verdicts = new EraVerdicts();
  /** Counts forget() calls, so that a probe still out at a forget keeps no verdict. */
  private forgets = 0;

  constructor(
    @Inject(FASTMCP_RESOLVED_OPTIONS) private readonly options: ResolvedFastMcpOptions,
    @Inject(McpHttpTransport) private readonly transport: McpHttpTransport,
    @Inject(ServerMessageDispatcher) private readonly dispatcher: ServerMessageDispatcher,
    @Inject(ServerAuthRegistry) private readonly auth: ServerAuthRegistry,
    @Inject(ServerStreamListener) private readonly listener: ServerStreamListener,
    @Inject(ResourceSubscriptions) private readonly subscriptions: ResourceSubscriptions,
    @Inject(SubscriptionListeners) private readonly listeners: SubscriptionListeners,
    @Inject(FASTMCP_CLOCK) private readonly clock: Clock,
  ) {}

  async connect(clientId: string, server: McpServerConfig, run: RetryRun): Promise<McpConnection> {
    // Resolved once, before anything is awaited: a disconnect while this connect is out forgets
    // the client id's ServerAuth, and a later look-up would make it again for a client id gone.
    const auth = this.auth.forClient(clientId, server);
    return this.negotiate({ clientId, server, auth }, run, true);
  }

  private async negotiate(
    peer: Peer,
    run: RetryRun,
    mayProbeAgain: boolean,
  ): Promise<McpConnection> {
    const { clientId, server } = peer;
    const pinned = server.protocolVersion;
    if (pinned && NEGOTIABLE_PROTOCOL_VERSIONS.includes(pinned)) {
      return this.legacy(peer, run);
    }
    const versions = pinned && pinned !== 'auto' ? [pinned] : MODERN_PROTOCOL_VERSIONS;
    let verdict = this.verdicts.get(clientId, server.url);
    const cached = verdict !== undefined;
    if (!verdict) {
      const forgetsBefore = this.forgets;
      verdict = await probeEra(this.transport, this.targetOf(peer), this.envelope(), versions, run);
      if (this.forgets === forgetsBefore) this.verdicts.set(clientId, server.url, verdict);
    }
    if (verdict.era === 'modern') {
      const fallback = pinned && pinned !== 'auto' ? [] : NEGOTIABLE_PROTOCOL_VERSIONS;
      return this.modern(peer, verdict, versions, fallback);
    }
    if (pinned && pinned !== 'auto') {
      this.verdicts.delete(clientId, server.url);
      throw new McpUnsupportedVersionError(verdict.serverVersions ?? [], versions, { clientId });
    }
    try {
      return await this.legacy(peer, run);
    } catch (error) {
      // Refused by a server that answered: it changed era since the verdict, or the verdict
      // came from an odd answer to the probe (a proxy's 404), which must not hold a modern
      // server to `initialize` for the life of the client. The next connect probes again, and
      // this one too, once, when the verdict was cached or the refusal names a version of ours.
      const refused = answeredRefusal(error) || isModernError(error);
      if (refused) this.verdicts.delete(clientId, server.url);
      const listed = supportedVersionsOf(jsonRpcErrorOf(error)?.data, versions);
      const speaksOurs = listed.some((v) => versions.includes(v));
      const stale = refused && (cached || (isModernError(error) && speaksOurs));
      if (mayProbeAgain && stale) return this.negotiate(peer, run, false);
      if (!isModernError(error)) throw error;
      // A modern server whose versions are none of ours, in either era.
      throw new McpUnsupportedVersionError(
        verdict.serverVersions ?? listed,
        [...versions, ...NEGOTIABLE_PROTOCOL_VERSIONS],
        { clientId, cause: error, delivery: 'not_delivered' },
      );
    }
  }

  /** How many era verdicts are kept now. */
  get verdictCount(): number {
    return this.verdicts.size;
  }

  /** Forgets the client id's era verdict. */
  forget(clientId: string): void {
    this.forgets++;
    this.verdicts.forget(clientId);
  }

  /**
   * Called with every failed request of a connection: forgets the era verdict after a
   * connection-level failure or a version error. True when the connection itself is done for.
   */
  failed(clientId: string, connection: McpConnection, error: unknown): boolean {
    const broken = connection.isBroken?.(error) ?? false;
    // A server that could not be reached may come back as another one. A reset exchange or a
    // lost 2025 session says nothing about the era: `initialize` opens another session.
    const unreachable =
      isMcpTransportError(error) &&
      error.failure === 'network' &&
      error.delivery === 'not_delivered';
    // A modern server whose -32022 named only 2025 revisions of ours: the 2025 era from now on
    // (a probe again would only find it modern, and fail the same way).
    const legacy = legacyFallbackOf(error);
    if (legacy) this.verdicts.set(clientId, connection.session.url, legacy);
    else if (broken || unreachable || isMcpUnsupportedVersionError(error)) {
      this.verdicts.delete(clientId, connection.session.url);
    }
    return broken;
  }

  private async legacy(peer: Peer, run: RetryRun): Promise<McpConnection> {
    const { clientId, server } = peer;
    const { handlers } = this.options;
    // Tasks are declared in a 2025-11-25 initialize only, and kept in a store of the session's.
    const withTasks = takesTasks(initializeVersion(server));
    const capabilities = clientCapabilities(handlers, { withTasks });
    const tasks = capabilities.tasks ? new ClientTaskStore(this.clock) : undefined;
    const client = { clientInfo: this.options.clientInfo, capabilities, auth: peer.auth, tasks };
    const connected = await performHandshake(this.transport, clientId, server, client, run);
    if (server.logLevel) await this.setLogLevel(connected, server.logLevel, run);
    const subscribed = this.subscriptions.uris(clientId).length > 0;
    if (subscribed) await this.listenFirst(connected, run);
    await this.resubscribe(connected, run);
    const listen =
      server.listen ?? Boolean(handlers.elicitation ?? handlers.sampling ?? handlers.roots);
    if (listen) void this.listenOnSession(connected);
    return connected;
  }

  /** Asks the server to cancel task `taskId`, best effort, in the background: its call is over. */
  cancelTask(connected: McpConnection, taskId: string): void {
    if (connected.cancelTask) return connected.cancelTask(taskId);
    const message = jsonRpcRequest(`cancel-${taskId}`, 'tasks/cancel', { taskId });
    void this.transport.send(connected.target, message).catch(() => undefined);
  }

  /**
   * Opens a modern connection's `subscriptions/listen` stream anew for what its client id wants
   * now; resolves with the filter the server acknowledged.
   */
  async relisten(connected: McpConnection, signal: AbortSignal): Promise<ListenFilter> {
    return this.listeners.of(connected).update(signal);
  }

  /**
   * Opens a 2025 session's GET stream, unless it was opened already (a subscription's updates
   * come there); settles at its first open. A server refusing it gets a WARN line: nothing it
   * sends outside a call can arrive.
   */
  listenOnSession(connected: McpConnection): Promise<StreamOpening> {
    const session = connected as LegacySession;
    if (session.listening) return session.listening;
    // A 404 to the stream's GET: the server ended the session, so the next operation opens
    // another (initialize) instead of sending its request into a session that is gone.
    const lost = (): void => {
      session.lost = true;
      // Nobody can ask after the session's tasks any more: their handlers stop now.
      session.target.tasks?.close();
    };
    const { clientId } = connected.session;
    const stream = this.listener.listen(connected.target, clientId, lost);
    session.stopListening = () => stream.stop();
    session.listening = stream.opened;
    void stream.opened.then((opening) => {
      if (opening !== 'refused') return;
      this.logger.warn(
        `${clientId}: the server refused the session's GET stream; resource updates, list changes and requests outside a call cannot arrive`,
      );
    });
    return stream.opened;
  }

  /**
   * Opens the session's GET stream and waits until it is open (or refused), at most an attempt's
   * timeout and within the call's budget: a server drops what it sends while no stream is open,
   * such as the update that follows a subscription at once.
   */
  async listenFirst(connected: McpConnection, run: RetryRun): Promise<void> {
    const opening = this.listenOnSession(connected);
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, run.policy.requestTimeoutMs);
    });
    try {
      await run.outsideAttempt((signal) =>
        raceSignal(Promise.race([opening, patience]), signal, () => signal.reason as Error),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * `resources/subscribe` again on a new 2025 session for each URI its client id subscribed to (a
   * server keeps subscriptions per session). A refusal gets a WARN line; the connect goes on.
   */
  private async resubscribe(connected: LegacySession, run: RetryRun): Promise<void> {
    const { clientId, capabilities } = connected.session;
    const uris = this.subscriptions.uris(clientId);
    if (uris.length === 0) return;
    if (!capabilities?.resources?.subscribe) {
      this.logger.warn(`${clientId}: the server no longer offers resource subscriptions`);
      return;
    }
    for (const uri of uris) {
      await this.requestOrWarn(
        connected,
        'resources/subscribe',
        { uri },
        run,
        'resources/subscribe',
      );
    }
  }

  /** What a client id wants to hear about: list changes with `listen: true`, its subscriptions. */
  private wantedBy(clientId: string, server: McpServerConfig): () => ListenFilter {
    return () => listenFilter(server.listen === true, this.subscriptions.uris(clientId));
  }

  /** `logging/setLevel` on a new 2025 session whose server declares `logging`. */
  private async setLogLevel(
    connected: McpConnection,
    level: LoggingLevel,
    run: RetryRun,
  ): Promise<void> {
    if (!connected.session.capabilities?.logging) return;
    const label = `logging/setLevel ${level}`;
    await this.requestOrWarn(connected, 'logging/setLevel', { level }, run, label);
  }

  /**
   * A request of a new 2025 session that asks the server for something it may refuse (a log level,
   * a subscription): a refusal gets a WARN line, and the connect goes on.
   */
  private async requestOrWarn(
    connected: McpConnection,
    method: string,
    params: Record<string, unknown>,
    run: RetryRun,
    label: string,
  ): Promise<void> {
    try {
      await connected.request(method, params, run);
    } catch (error) {
      if (!isMcpProtocolError(error) && !isMcpHttpError(error)) throw error;
      const { clientId } = connected.session;
      this.logger.warn(`${clientId}: the server refused ${label}: ${error.message}`);
    }
  }

  private modern(
    peer: Peer,
    verdict: Extract<EraVerdict, { era: 'modern' }>,
    versions: readonly string[],
    legacyVersions: readonly string[],
  ): McpConnection {
    const target: HttpTarget = {
      ...this.targetOf(peer),
      era: 'modern',
      protocolVersion: verdict.version,
    };
    const deps = {
      transport: this.transport,
      dispatcher: this.dispatcher,
      client: this.modernEnvelope(peer.server),
      versions: [verdict.version, ...versions.filter((v) => v !== verdict.version)],
      legacyVersions,
    };
    const session = modernSession(
      peer.clientId,
      peer.server.url,
      verdict,
      new UpstreamText(target),
    );
    const connection = new ModernConnection(deps, session, target);
    const wanted = this.wantedBy(peer.clientId, peer.server);
    const listen = this.listeners.attach(connection, deps.client, wanted);
    if (!isEmptyFilter(wanted())) listen.start();
    return connection;
  }

  private modernEnvelope(server: McpServerConfig): ClientEnvelope {
    const { logLevel } = server;
    return logLevel ? { ...this.envelope(), logLevel } : this.envelope();
  }

  private targetOf({ server, auth }: Peer): HttpTarget {
    return {
      url: server.url,
      headers: server.headers ?? {},
      auth,
      maxResponseBytes: server.maxResponseBytes,
    };
  }

  private envelope(): ClientEnvelope {
    return {
      clientInfo: this.options.clientInfo,
      capabilities: withTasksExtension(clientCapabilities(this.options.handlers)),
    };
  }
}

/** A refusal the server itself gave to `initialize`: a 4xx but 401/403/408, or a JSON-RPC error. */
function answeredRefusal(error: unknown): boolean {
  if (isMcpProtocolError(error)) return true;
  if (!isMcpHttpError(error)) return false;
  return error.status >= 400 && error.status < 500 && ![401, 403, 408].includes(error.status);
}

/** The 2025 verdict a modern connection's fallback asks for (see ModernConnection), if any. */
function legacyFallbackOf(error: unknown): EraVerdict | undefined {
  if (!isMcpTransportError(error) || error.failure !== 'session_lost') return undefined;
  const refusal = error.cause;
  if (!isMcpUnsupportedVersionError(refusal)) return undefined;
  return { era: 'legacy', serverVersions: refusal.serverVersions };
}

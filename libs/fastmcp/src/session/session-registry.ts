import { McpDisconnectedError } from '../errors/mcp-disconnected.error.js';
import type { McpConnection } from './mcp-connection.interface.js';
import type { McpSession } from './mcp-session.interface.js';

/** Why a handshake under way no longer counts. */
type Superseded = 'disconnected' | 'reconnected';

/** A handshake under way; `superseded` once its client id was disconnected or connected anew. */
class Handshake {
  superseded: Superseded | undefined;
  readonly promise: Promise<McpConnection>;

  constructor(run: (self: Handshake) => Promise<McpConnection>) {
    this.promise = run(this);
  }
}

/**
 * The connections (2025 sessions or modern connections) of one client service, by client id.
 * Concurrent connects of one client id share one handshake. A handshake that lands after its
 * client id was disconnected or connected anew is ended, never kept.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, McpConnection>();
  private readonly handshakes = new Map<string, Handshake>();
  /** Connections being ended in the background, which shutdown waits for. */
  private readonly endings = new Set<Promise<void>>();

  get(clientId: string): McpConnection | undefined {
    return this.sessions.get(clientId);
  }

  /** The client id's session, unless the server said it is gone. */
  session(clientId: string): McpSession | undefined {
    const connection = this.sessions.get(clientId);
    return connection?.lost ? undefined : connection?.session;
  }

  clientIds(): string[] {
    return [...this.sessions.keys()];
  }

  /**
   * The session of `clientId`, connecting with `connect` when there is none yet. A caller that
   * joins a handshake another started waits for it through `join`, which may give up sooner (its
   * own abort or budget) while the handshake goes on for its owner.
   */
  async obtain(
    clientId: string,
    connect: () => Promise<McpConnection>,
    join: (handshake: Promise<McpConnection>) => Promise<McpConnection> = (shared) => shared,
  ): Promise<McpConnection> {
    const existing = this.sessions.get(clientId);
    if (existing && !existing.lost) return existing;
    if (existing) {
      // Most likely gone on the server; if not, the DELETE ends it (a gone one answers 404).
      this.remove(clientId, existing);
      this.endInBackground(existing);
    }
    const running = this.handshakes.get(clientId);
    if (running) return join(running.promise);
    return this.connectOnce(clientId, connect);
  }

  /**
   * Connects anew, replacing any session of `clientId` (and not joining a handshake already under
   * way, which may be for another server); returns the one it replaced. When the new handshake
   * fails, the replaced session is ended: it is no longer anyone's.
   */
  async replace(
    clientId: string,
    connect: () => Promise<McpConnection>,
  ): Promise<{ connected: McpConnection; replaced?: McpConnection }> {
    const previous = this.sessions.get(clientId);
    if (previous) letGo(previous);
    this.sessions.delete(clientId);
    this.supersede(clientId, 'reconnected');
    try {
      const connected = await this.connectOnce(clientId, connect);
      const same = previous?.target.sessionId === connected.target.sessionId;
      return { connected, replaced: same ? undefined : previous };
    } catch (error) {
      if (previous) this.endInBackground(previous);
      throw error;
    }
  }

  /** Forgets a session if it is still the given one (a lost session), or whatever it is. */
  remove(clientId: string, onlyIf?: McpConnection): McpConnection | undefined {
    const current = this.sessions.get(clientId);
    if (!current || (onlyIf && current !== onlyIf)) return undefined;
    this.sessions.delete(clientId);
    letGo(current);
    return current;
  }

  /** Forgets the client id: its session (returned, to end) and any handshake under way. */
  forget(clientId: string): McpConnection | undefined {
    this.supersede(clientId, 'disconnected');
    return this.remove(clientId);
  }

  /**
   * Ends a connection no one holds any more, without making anyone wait for it; its server
   * stream, if it listens, is closed first (a handshake that lands superseded already listens),
   * and the tasks its server gave the client are dropped.
   */
  endInBackground(connection: McpConnection): void {
    letGo(connection);
    const ending = connection
      .end()
      .catch(() => undefined)
      .finally(() => this.endings.delete(ending));
    this.endings.add(ending);
  }

  /** Resolves once the connections being ended in the background are. */
  async endingsSettled(): Promise<void> {
    await Promise.all([...this.endings]);
  }

  private supersede(clientId: string, why: Superseded): void {
    const running = this.handshakes.get(clientId);
    if (!running) return;
    running.superseded = why;
    this.handshakes.delete(clientId);
  }

  private connectOnce(
    clientId: string,
    connect: () => Promise<McpConnection>,
  ): Promise<McpConnection> {
    const running = this.handshakes.get(clientId);
    if (running) return running.promise;
    const handshake = new Handshake((self) =>
      connect()
        .then((connected) => {
          if (self.superseded) {
            this.endInBackground(connected);
            throw new McpDisconnectedError(clientId, self.superseded);
          }
          this.sessions.set(clientId, connected);
          return connected;
        })
        .finally(() => {
          if (this.handshakes.get(clientId) === self) this.handshakes.delete(clientId);
        }),
    );
    this.handshakes.set(clientId, handshake);
    return handshake.promise;
  }
}

/**
 * What the client holds for a connection no one uses any more: its server stream is closed, and
 * the tasks its server gave the client are forgotten (their handlers' signals aborted).
 */
function letGo(connection: McpConnection): void {
  connection.stopListening?.();
  connection.target.tasks?.close();
}

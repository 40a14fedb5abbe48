import type { McpConnection } from './mcp-connection.interface.js';
import type { McpSession } from './mcp-session.interface.js';

/**
 * The connections (2025 sessions or modern connections) of one client service, by client id. Concurrent connects of one client id
 * share one handshake.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, McpConnection>();
  private readonly pending = new Map<string, Promise<McpConnection>>();

  get(clientId: string): McpConnection | undefined {
    return this.sessions.get(clientId);
  }

  session(clientId: string): McpSession | undefined {
    return this.sessions.get(clientId)?.session;
  }

  clientIds(): string[] {
    return [...this.sessions.keys()];
  }

  /** The session of `clientId`, connecting with `connect` when there is none yet. */
  async obtain(clientId: string, connect: () => Promise<McpConnection>): Promise<McpConnection> {
    const existing = this.sessions.get(clientId);
    if (existing) return existing;
    return this.connectOnce(clientId, connect);
  }

  /** Connects anew, replacing any session of `clientId`; returns the one it replaced. */
  async replace(
    clientId: string,
    connect: () => Promise<McpConnection>,
  ): Promise<{ connected: McpConnection; replaced?: McpConnection }> {
    const previous = this.sessions.get(clientId);
    previous?.stopListening?.();
    this.sessions.delete(clientId);
    const connected = await this.connectOnce(clientId, connect);
    const same = previous?.target.sessionId === connected.target.sessionId;
    return { connected, replaced: same ? undefined : previous };
  }

  /** Forgets a session if it is still the given one (a lost session), or whatever it is. */
  remove(clientId: string, onlyIf?: McpConnection): McpConnection | undefined {
    const current = this.sessions.get(clientId);
    if (!current || (onlyIf && current !== onlyIf)) return undefined;
    this.sessions.delete(clientId);
    current.stopListening?.();
    return current;
  }

  private connectOnce(
    clientId: string,
    connect: () => Promise<McpConnection>,
  ): Promise<McpConnection> {
    let pending = this.pending.get(clientId);
    if (!pending) {
      pending = connect()
        .then((connected) => {
          this.sessions.set(clientId, connected);
          return connected;
        })
        .finally(() => this.pending.delete(clientId));
      this.pending.set(clientId, pending);
    }
    return pending;
  }
}

import type { HttpTarget } from '../transport/http-target.interface.js';
import type { ConnectedSession } from './handshake.js';
import type { McpSession } from './mcp-session.interface.js';

/**
 * The sessions of one client service, by client id. Concurrent connects of one client id
 * share one handshake.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, ConnectedSession>();
  private readonly pending = new Map<string, Promise<ConnectedSession>>();

  get(clientId: string): ConnectedSession | undefined {
    return this.sessions.get(clientId);
  }

  session(clientId: string): McpSession | undefined {
    return this.sessions.get(clientId)?.session;
  }

  clientIds(): string[] {
    return [...this.sessions.keys()];
  }

  /** The session of `clientId`, connecting with `connect` when there is none yet. */
  async obtain(
    clientId: string,
    connect: () => Promise<ConnectedSession>,
  ): Promise<ConnectedSession> {
    const existing = this.sessions.get(clientId);
    if (existing) return existing;
    return this.connectOnce(clientId, connect);
  }

  /** Connects anew, replacing any session of `clientId`; returns the one it replaced. */
  async replace(
    clientId: string,
    connect: () => Promise<ConnectedSession>,
  ): Promise<{ connected: ConnectedSession; replaced?: HttpTarget }> {
    const previous = this.sessions.get(clientId);
    previous?.stopListening?.();
    const replaced = previous?.target;
    this.sessions.delete(clientId);
    const connected = await this.connectOnce(clientId, connect);
    return {
      connected,
      replaced: replaced?.sessionId === connected.target.sessionId ? undefined : replaced,
    };
  }

  /** Forgets a session if it is still the given one (a lost session), or whatever it is. */
  remove(clientId: string, onlyIf?: ConnectedSession): ConnectedSession | undefined {
    const current = this.sessions.get(clientId);
    if (!current || (onlyIf && current !== onlyIf)) return undefined;
    this.sessions.delete(clientId);
    current.stopListening?.();
    return current;
  }

  private connectOnce(
    clientId: string,
    connect: () => Promise<ConnectedSession>,
  ): Promise<ConnectedSession> {
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

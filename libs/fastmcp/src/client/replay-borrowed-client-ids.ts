/**
 * Client ids that only replays connected (not in `servers`, not connected, no call of the app's
 * running): each is disconnected when its last replay ends, so replaying the dead letters of
 * client ids made on the fly leaves no session behind. A call of the app's on one makes it the
 * app's again, and it stays connected.
 */
export class ReplayBorrowedClientIds {
  /** Per client id: the app's calls running. */
  private readonly appCalls = new Map<string, number>();
  /** Per borrowed client id: the replays running. */
  private readonly replays = new Map<string, number>();

  appCallStarted(clientId: string): void {
    this.appCalls.set(clientId, (this.appCalls.get(clientId) ?? 0) + 1);
    this.replays.delete(clientId);
  }

  appCallEnded(clientId: string): void {
    const running = (this.appCalls.get(clientId) ?? 1) - 1;
    if (running > 0) this.appCalls.set(clientId, running);
    else this.appCalls.delete(clientId);
  }

  /** `inUse`: the client id is configured or connected, so the replay borrows nothing. */
  replayStarted(clientId: string, inUse: boolean): void {
    const replays = this.replays.get(clientId);
    if (replays !== undefined) this.replays.set(clientId, replays + 1);
    else if (!inUse && !this.appCalls.has(clientId)) this.replays.set(clientId, 1);
  }

  /** True when the client id was borrowed and this was its last replay: disconnect it. */
  replayEnded(clientId: string): boolean {
    const replays = this.replays.get(clientId);
    if (replays === undefined) return false;
    if (replays > 1) {
      this.replays.set(clientId, replays - 1);
      return false;
    }
    this.replays.delete(clientId);
    return true;
  }
}

/**
 * What ends a call before its work is done: the caller's signal, or `abort` (the module's
 * shutdown). The first abort wins. An AbortSignal is made only for work that needs one (a wait
 * between retries, the OAuth flow): on Node 20 each new AbortSignal cost a call about 30 us,
 * more than the rest of its retry bookkeeping, so a call that only ever runs attempts makes none.
 */
export class CallStop {
  private own?: { reason: unknown };
  private listeners?: Set<() => void>;
  private controller?: AbortController;
  private readonly follow = (): void => this.controller?.abort(this.reason);

  constructor(private readonly caller?: AbortSignal) {}

  get aborted(): boolean {
    return this.own !== undefined || this.caller?.aborted === true;
  }

  get reason(): unknown {
    if (this.own) return this.own.reason;
    const callerReason: unknown = this.caller?.reason;
    return callerReason;
  }

  /** A signal that aborts with the call: made on first use, followed until `detach`. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
      else if (this.caller) this.onAbort(this.follow);
    }
    return this.controller.signal;
  }

  /** Aborts the call with `reason`, unless it was aborted already. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.own = { reason };
    this.controller?.abort(reason);
    for (const listener of [...(this.listeners ?? [])]) {
      this.offAbort(listener);
      listener();
    }
  }

  /** Calls `listener` once when the call is aborted, unless `offAbort` comes first. */
  onAbort(listener: () => void): void {
    (this.listeners ??= new Set()).add(listener);
    this.caller?.addEventListener('abort', listener, { once: true });
  }

  offAbort(listener: () => void): void {
    this.listeners?.delete(listener);
    this.caller?.removeEventListener('abort', listener);
  }

  /** The call is over: no listener stays on the caller's signal, which may outlive many calls. */
  detach(): void {
    for (const listener of [...(this.listeners ?? [])]) this.offAbort(listener);
  }
}

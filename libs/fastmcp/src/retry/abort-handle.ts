/**
 * What the readers of an abort use of an AbortSignal: an AbortSignal is one, and so is an
 * AbortHandle, which a hot path can pass where a signal would cost too much to make.
 */
export interface Abortable {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Throws the reason `abortable` was aborted for, as AbortSignal.throwIfAborted does. */
export function throwIfAborted(abortable: Abortable | undefined): void {
  if (abortable?.aborted) throw abortable.reason;
}

/**
 * Something that can be aborted once: a call (by the caller's signal, or by `abort`, the module's
 * shutdown) or one of its attempts (by its timer). The first abort wins. An AbortSignal is made
 * only for work that needs one (a wait between retries, the OAuth flow): on Node 20 each new
 * AbortSignal cost a call about 30 us, more than the rest of its retry bookkeeping, so a call that
 * only ever runs attempts makes none.
 */
export class AbortHandle implements Abortable {
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

  /** A signal that aborts with the handle: made on first use, followed until `detach`. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
      else if (this.caller) this.addEventListener('abort', this.follow);
    }
    return this.controller.signal;
  }

  /** Aborts with `reason`, unless aborted already. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.own = { reason };
    this.controller?.abort(reason);
    for (const listener of [...(this.listeners ?? [])]) {
      this.removeEventListener('abort', listener);
      listener();
    }
  }

  /** Calls `listener` once on the abort (always once), unless it is removed first. */
  addEventListener(_type: 'abort', listener: () => void): void {
    (this.listeners ??= new Set()).add(listener);
    this.caller?.addEventListener('abort', listener, { once: true });
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners?.delete(listener);
    this.caller?.removeEventListener('abort', listener);
  }

  /** No listener stays on the caller's signal, which may outlive many calls. */
  detach(): void {
    for (const listener of [...(this.listeners ?? [])]) this.removeEventListener('abort', listener);
  }
}

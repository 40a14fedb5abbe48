import type { Counter, Histogram } from 'prom-client';

/**
 * Which modules count into each server's series of the per-server counters
 * (`circuit_transitions_total`, `ratelimit_wait_seconds`, `retry_budget_exhausted_total`), which
 * two FastMcpModule instances on one registry share. A module that forgets a server removes its
 * series only once no other module counts into them: else one module's disconnect would reset
 * the other's counts.
 */
export class SharedServerCounters {
  /** label -> the modules that counted into its series. */
  private readonly counting = new Map<string, Set<object>>();

  constructor(private readonly remove: (label: string) => void) {}

  counted(module: object, label: string): void {
    let modules = this.counting.get(label);
    if (!modules) this.counting.set(label, (modules = new Set<object>()));
    modules.add(module);
  }

  /** `module` is done with the server labelled `label`: its series go unless another counts. */
  forget(module: object, label: string): void {
    const modules = this.counting.get(label);
    modules?.delete(module);
    if (modules && modules.size > 0) return;
    this.counting.delete(label);
    this.remove(label);
  }

  /** `module` has closed: it keeps no series. */
  leave(module: object): void {
    for (const [label, modules] of [...this.counting]) {
      modules.delete(module);
      if (modules.size === 0) this.counting.delete(label);
    }
  }
}

const shared = new WeakMap<Counter<string> | Histogram<string>, SharedServerCounters>();

/** The one SharedServerCounters of the counters keyed by `key`, whichever module asks first. */
export function sharedServerCounters(
  key: Counter<string> | Histogram<string>,
  remove: (label: string) => void,
): SharedServerCounters {
  let found = shared.get(key);
  if (!found) shared.set(key, (found = new SharedServerCounters(remove)));
  return found;
}

import {
  type Fault,
  type FaultProxy,
  faults,
  type InjectedFault,
} from '../../test/support/fault-proxy.js';
import type { FaultRates } from './soak-options.js';

type FaultKind = keyof FaultRates;

const TICK_MS = 20;

/**
 * Injects faults into the proxy at the configured rates: every tick, for each POST the proxy
 * saw since the last tick, each kind of fault is drawn with its probability and queued for the
 * next POSTs. Counts what it injected and what requests took.
 */
export class FaultScheduler {
  readonly injected: Record<FaultKind, number>;
  readonly hits: Record<FaultKind, number>;
  private timer: NodeJS.Timeout | undefined;
  private posts = 0;
  private live: Array<{ kind: FaultKind; injected: InjectedFault }> = [];

  constructor(
    private readonly proxy: FaultProxy,
    private readonly rates: FaultRates,
    private readonly random: () => number = Math.random,
  ) {
    const zero = (): Record<FaultKind, number> =>
      Object.fromEntries(Object.keys(rates).map((k) => [k, 0])) as Record<FaultKind, number>;
    this.injected = zero();
    this.hits = zero();
  }

  /** POSTs forwarded or faulted so far. */
  get requests(): number {
    return this.posts;
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops injecting and drops the faults still queued. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.tick(false);
    this.proxy.clear();
  }

  private tick(inject = true): void {
    // The proxy's log is only read for the count, then emptied so it does not grow.
    const seen = this.proxy.requests.filter((r) => r.httpMethod === 'POST').length;
    this.proxy.clearRequests();
    this.posts += seen;
    const used = inject ? this.live.filter((e) => e.injected.remaining === 0) : this.live;
    for (const entry of used) this.hits[entry.kind] += entry.injected.hits;
    this.live = inject ? this.live.filter((e) => e.injected.remaining > 0) : [];
    if (!inject) return;
    for (let i = 0; i < seen; i += 1) {
      for (const kind of Object.keys(this.rates) as FaultKind[]) {
        if (this.random() >= this.rates[kind]) continue;
        const { fault, times } = this.faultOf(kind);
        this.live.push({
          kind,
          injected: this.proxy.inject({ match: { httpMethod: 'POST' }, fault, times }),
        });
        this.injected[kind] += 1;
      }
    }
  }

  private faultOf(kind: FaultKind): { fault: Fault; times: number } {
    switch (kind) {
      case 'burst503':
        return { fault: faults.status(503), times: 1 + Math.floor(this.random() * 3) };
      case 'status429':
        return { fault: faults.status(429, { retryAfter: 1 }), times: 1 };
      case 'reset':
        return { fault: faults.reset(), times: 1 };
      case 'hang':
        return { fault: faults.hang(), times: 1 };
      case 'cutStream':
        return {
          fault: faults.cutStream(
            this.random() < 0.5 ? {} : { afterBytes: 8 + Math.floor(this.random() * 40) },
          ),
          times: 1,
        };
      case 'dropSession':
        return { fault: faults.dropSession(), times: 1 };
      case 'lostAnswer': {
        const code = [502, 504, undefined][Math.floor(this.random() * 3)];
        return { fault: faults.loseAnswer(code === undefined ? {} : { code }), times: 1 };
      }
    }
  }
}

import type {
  CircuitState,
  CircuitTransitionEvent,
  FailedOperation,
  FastMcpEvents,
  ResilienceOptions,
} from '@app/fastmcp';
import { type OpRecord, opOf, type SoakCheck } from './soak-accounting.js';

/** `fastmcp_circuit_state` values. */
const STATE_VALUES: Readonly<Record<CircuitState, number>> = { closed: 0, half_open: 1, open: 2 };
/** The breaker's legal moves. */
const MOVES = new Set(['closed>open', 'open>half_open', 'half_open>closed', 'half_open>open']);
/** Tokens a quiet server's retry budget saves up: ten seconds of minPerSecond (at least 1). */
const BUDGET_RESERVE_SECONDS = 10;
/** The module's retry budget when `resilience.retryBudget` is not set. */
const DEFAULT_BUDGET = { ratio: 0.1, minPerSecond: 10 };

/** What the pipeline's metrics said at the end. */
export interface PipelineMetrics {
  /** fastmcp_circuit_transitions_total by `to`. */
  transitions: Record<string, number>;
  /** fastmcp_circuit_state by server. */
  states: Record<string, number>;
  budgetExhausted: number;
}

export interface PipelineEvidence {
  records: readonly OpRecord[];
  dlqEntries: readonly FailedOperation[];
  metrics: PipelineMetrics;
  /** POSTs the proxies saw: at least the attempts the pipelines admitted. */
  posts: number;
  /** Client ids, each with its own pipeline. */
  clients: number;
  /** Seconds from the module's start to the end of the run. */
  seconds: number;
}

export interface PipelineLimits {
  resilience: ResilienceOptions;
  /** The longest a half-open probe can take: a whole operation's budget, plus slack. */
  probeLimitMs: number;
}

/**
 * Follows the per-server pipelines through their events (circuit transitions, vetoed retries)
 * and checks them against the operations, the DLQ and the metrics.
 */
export class PipelineAccounting {
  readonly transitions: Array<CircuitTransitionEvent & { at: number }> = [];
  /** When each server's operations started, in order. */
  private readonly starts = new Map<string, number[]>();
  /** Operations whose retry the budget vetoed, and those that failed with retries exhausted. */
  private readonly vetoed = new Set<number>();
  private readonly exhausted = new Set<number>();

  attach(events: FastMcpEvents, current: (clientId: string) => OpRecord | undefined): () => void {
    const offs = [
      events.on('circuit.transition', (e) => this.transitions.push({ ...e, at: Date.now() })),
      events.on('operation.started', (e) => {
        const starts = this.starts.get(e.clientId) ?? [];
        starts.push(Date.now());
        this.starts.set(e.clientId, starts);
      }),
      events.on('retry.budget_exhausted', (e) => {
        const record = current(e.clientId);
        if (record) this.vetoed.add(record.op);
      }),
      events.on('operation.failed', (e) => {
        const record = current(e.clientId);
        if (record && e.retriesExhausted) this.exhausted.add(record.op);
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  /** For the report: circuits opened and closed, retries vetoed. */
  summary(): string {
    const to = (state: CircuitState) => this.transitions.filter((t) => t.to === state).length;
    const servers = new Set(this.transitions.filter((t) => t.to === 'open').map((t) => t.server));
    return (
      `circuits opened ${to('open')} times (${servers.size} servers), half-open ${to('half_open')}, ` +
      `closed ${to('closed')}; retries vetoed by the budget: ${this.vetoed.size}`
    );
  }

  check(evidence: PipelineEvidence, limits: PipelineLimits): SoakCheck[] {
    return [
      this.circuitOpenDeadLettered(evidence),
      this.transitionsAgree(evidence.metrics),
      this.probesEnd(limits.probeLimitMs),
      this.vetoesFinal(evidence),
      retriesWithinBudget(evidence, limits.resilience),
    ];
  }

  private circuitOpenDeadLettered({ records, dlqEntries }: PipelineEvidence): SoakCheck {
    const refused = records.filter((r) => r.errorClass === 'circuit_open');
    const refusedOps = new Set(refused.map((r) => r.op));
    const entries = dlqEntries.filter((e) => e.errorClass === 'circuit_open');
    const strays = entries.filter((e) => !refusedOps.has(opOf(e) ?? -1)).length;
    return {
      ok: entries.length === refused.length && strays === 0,
      name: 'circuit_open failures dead-lettered as circuit_open',
      detail: `${refused.length} operations failed fast on an open circuit; ${entries.length} circuit_open DLQ entries, ${strays} for another operation`,
    };
  }

  private transitionsAgree(metrics: PipelineMetrics): SoakCheck {
    const last = new Map<string, CircuitState>();
    let illegal = 0;
    for (const t of this.transitions) {
      if ((last.get(t.server) ?? 'closed') !== t.from || !MOVES.has(`${t.from}>${t.to}`)) {
        illegal += 1;
      }
      last.set(t.server, t.to);
    }
    const counts = (state: CircuitState) => this.transitions.filter((t) => t.to === state).length;
    const states: CircuitState[] = ['open', 'half_open', 'closed'];
    const countsAgree = states.every((s) => (metrics.transitions[s] ?? 0) === counts(s));
    const gaugesAgree = [...last].every(([s, state]) => metrics.states[s] === STATE_VALUES[state]);
    return {
      ok:
        illegal === 0 &&
        countsAgree &&
        gaugesAgree &&
        Object.keys(metrics.states).length === last.size,
      name: 'circuit transitions legal, and the metrics agree with the events',
      detail:
        `${this.transitions.length} transitions, ${illegal} illegal; circuit_transitions_total ` +
        states.map((s) => `${s} ${metrics.transitions[s] ?? 0}/${counts(s)}`).join(', ') +
        `; circuit_state ${gaugesAgree ? 'matches' : 'does NOT match'} the last transition of ${last.size} servers`,
    };
  }

  /**
   * A half-open circuit waits for its probe, which ends within one operation's budget. The wait
   * starts with the first operation after the circuit half-opened: it turns half-open on its own
   * after `openMs`, also when no call comes (at the end of the run, say).
   */
  private probesEnd(probeLimitMs: number): SoakCheck {
    const since = new Map<string, number>();
    let longest = 0;
    const end = Date.now();
    for (const t of this.transitions) {
      const opened = since.get(t.server);
      if (opened !== undefined) longest = Math.max(longest, t.at - opened);
      const probe = t.to === 'half_open' ? this.firstStart(t.server, t.at) : undefined;
      if (probe !== undefined) since.set(t.server, probe);
      else since.delete(t.server);
    }
    const stuck = [...since.values()].filter((at) => end - at > probeLimitMs).length;
    for (const at of since.values()) longest = Math.max(longest, end - at);
    return {
      ok: longest <= probeLimitMs,
      name: 'every half-open circuit decided within a probe operation',
      detail: `longest half-open ${longest} ms (limit ${probeLimitMs}); ${stuck} circuits still half-open at the end for longer`,
    };
  }

  /** When the first operation on `server` at or after `at` started. */
  private firstStart(server: string, at: number): number | undefined {
    return this.starts.get(server)?.find((started) => started >= at);
  }

  private vetoesFinal({ records, metrics }: PipelineEvidence): SoakCheck {
    const byOp = new Map(records.map((r) => [r.op, r]));
    const notFinal = [...this.vetoed].filter(
      (op) => byOp.get(op)?.outcome !== 'failed' || this.exhausted.has(op),
    ).length;
    return {
      ok: notFinal === 0 && metrics.budgetExhausted === this.vetoed.size,
      name: 'a retry vetoed by the budget ends its operation with its own error',
      detail: `${this.vetoed.size} vetoed, ${notFinal} not failed or failed as retries exhausted; retry_budget_exhausted_total ${metrics.budgetExhausted}/${this.vetoed.size}`,
    };
  }
}

/** The budget's bound: each client's reserve, `ratio` of the attempts, `minPerSecond` a second. */
function retriesWithinBudget(evidence: PipelineEvidence, resilience: ResilienceOptions): SoakCheck {
  const retries = evidence.records.reduce((sum, r) => sum + r.retries, 0);
  const budget = resilience.retryBudget;
  if (budget === false) {
    return { ok: true, name: 'retries within the retry budget', detail: 'budget off' };
  }
  const ratio = budget?.ratio ?? DEFAULT_BUDGET.ratio;
  const perSecond = budget?.minPerSecond ?? DEFAULT_BUDGET.minPerSecond;
  const reserve = Math.max(1, perSecond * BUDGET_RESERVE_SECONDS);
  const bound =
    evidence.clients * (reserve + perSecond * evidence.seconds) + ratio * evidence.posts;
  return {
    ok: retries <= bound,
    name: 'retries within the retry budget',
    detail: `${retries} retries <= ${bound.toFixed(0)} (${evidence.clients} clients x (${reserve} reserve + ${perSecond}/s x ${evidence.seconds.toFixed(1)} s) + ${ratio} x ${evidence.posts} POSTs)`,
  };
}
